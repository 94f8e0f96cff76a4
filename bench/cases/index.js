// Every benchmark family, one line each. A family module default-exports an
// array of cases (contract in bench/README.md).
import bytes from './bytes.js';

export default [
  ...bytes,
];

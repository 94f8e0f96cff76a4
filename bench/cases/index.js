// Every benchmark family, one line each. A family module default-exports an
// array of cases (contract in bench/README.md).
import bytes from './bytes.js';
import mpsc from './mpsc.js';
import xthread from './xthread.js';

export default [
  ...bytes,
  ...mpsc,
  ...xthread,
];

// The other thread of the browser's cross-thread cases (xthread.js) in a Web
// Worker: its role (bench/cases/xthread.roles.js) comes in its first message.
import { runRole } from '../../cases/xthread.roles.js';

self.onmessage = ({ data }) => {
  self.onmessage = null;
  runRole(
    data,
    (m) => self.postMessage(m),
    (fn) => {
      self.onmessage = ({ data: m }) => fn(m);
    },
  );
};

// Offsets for bench/cases/micro.js's constant-folding case, imported from
// another module as the JS twin imports assembly/layout.ts.
export const HEAD_OFF = 4;
export const TAIL_OFF = 8;
export const CLAIM_OFF = 68;

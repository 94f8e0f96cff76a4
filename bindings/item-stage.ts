// ItemRingBuf's staging area, one per engine (one memory in one thread):
// the core's output word at +0 and, from +64, room for JS-array data on its
// way in or out. Several handles of one engine share it, since calls in one
// thread never overlap; it is a heap block of its own, given back when the
// engine's last ItemRingBuf handle is freed.

import { BLK_KIND_SCRATCH } from '../assembly/layout.js';
import { placeBlock, releaseBlock } from './blocks.js';
import type { Engine } from './engine.js';
import type { Block } from './heap.js';

/** @internal Byte offset of the data room in the staging area. */
export const STAGE_OFFSET = 64;
/** @internal Staging room in words (16 KiB): a batch of 64 items of 32 words goes in one chunk, and any chunk holds the largest item. */
export const STAGE_WORDS = 4096;

const stages = new WeakMap<Engine, { block: Block; users: number }>();

/**
 * @internal The staging area of `engine` (its address), placed on first use; one more user.
 * @throws RangeError naming the staging area when the memory cannot hold it.
 */
export function acquireStage(engine: Engine): number {
  let s = stages.get(engine);
  if (s === undefined) {
    s = {
      block: placeBlock(engine, BLK_KIND_SCRATCH, STAGE_OFFSET + 4 * STAGE_WORDS, 0, 'the item staging area'),
      users: 0,
    };
    stages.set(engine, s);
  }
  s.users++;
  return s.block.address;
}

/** @internal One user fewer; the last one gives the area back to the heap. */
export function releaseStage(engine: Engine): void {
  const s = stages.get(engine);
  if (s === undefined) return;
  if (--s.users === 0) {
    stages.delete(engine);
    releaseBlock(engine, s.block);
  }
}

// Issue 19: runspider workers of one new spider file starting together (rounds in concurrent-helpers.ts).
import { runspiderRounds } from './concurrent-helpers.js';

runspiderRounds(3);

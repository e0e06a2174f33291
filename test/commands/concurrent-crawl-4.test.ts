// Issue 19: crawls of one changed project starting together (rounds in concurrent-helpers.ts).
import { crawlRounds } from './concurrent-helpers.js';

crawlRounds(4);

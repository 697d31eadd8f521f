import { playgroundLessons } from './playground.js';

/** The second half of the lessons, run to the end in the page (the first: playground.test.ts). */
playgroundLessons(1, 2);

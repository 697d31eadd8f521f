import { playgroundLessons, playgroundPage } from './playground.js';

playgroundPage();
/** The first half of the lessons (the second: playground-lessons.test.ts). */
playgroundLessons(0, 2);

import { libraryRuns } from './library-runs.js';

/** Part 2 of the golden runs (every second experiment in name order, from the second). */
libraryRuns(1, 2);

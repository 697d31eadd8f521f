import { libraryRuns } from './library-runs.js';

/** Part 1 of the golden runs (every second experiment in name order, from the first). */
libraryRuns(0, 2);

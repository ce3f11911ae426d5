import { runChunk } from './run-chunk';

runChunk(__filename);

export { prepareScratchRoll, readRollFixture, testDatabaseUrl } from './roll-fixture';
export type { RollFixtureData, ScratchRoll, ScratchRollOptions } from './roll-fixture';
export { dropDatabaseIfExists } from '../connection/postgres-pool';
export { startLocalStandby } from './local-standby';
export type { LocalStandby } from './local-standby';

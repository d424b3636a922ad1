import { join, resolve } from 'node:path';

export const E2E_STATE = resolve(__dirname, '../../../../var/e2e');
export const E2E_ROLL_DIR = join(E2E_STATE, 'roll');
export const E2E_VOTERS = 3000;

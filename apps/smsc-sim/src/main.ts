import { createLogger } from '@parchee/observability';
import { loadSimConfig } from './config/sim-config';
import { startSimulator } from './simulator';

// Boot only: configuration, logger, simulator, signals.
async function main(): Promise<void> {
  const config = loadSimConfig(process.argv.slice(2), process.env);
  const logger = createLogger({ service: 'smsc-sim', level: config.logLevel, pretty: process.env['LOG_PRETTY'] === 'true' });
  const sim = await startSimulator(config, { logger });

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    sim.stop().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: Error) => {
  // The logger may not exist yet (bad configuration), so the reason goes straight to stderr.
  process.stderr.write(`smsc-sim failed to start: ${err.message}\n`);
  process.exit(1);
});

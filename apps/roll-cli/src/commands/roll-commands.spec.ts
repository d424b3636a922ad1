import { buildProgram } from './roll-commands';

describe('roll CLI', () => {
  it('offers every roll management command', () => {
    expect(
      buildProgram()
        .commands.map((c) => c.name())
        .sort(),
    ).toEqual(['activate', 'audit', 'audit-prune', 'drop', 'generate', 'import', 'list', 'migrate', 'warm']);
  });

  it('refuses a non-numeric version before touching the database', async () => {
    const program = buildProgram()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    program.commands.forEach((c) => c.exitOverride().configureOutput({ writeErr: () => undefined }));
    await expect(program.parseAsync(['node', 'roll', 'activate', 'latest'])).rejects.toThrow(/positive integer/);
  });

  it('refuses a non-numeric version to warm before touching the database', async () => {
    const program = buildProgram()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    program.commands.forEach((c) => c.exitOverride().configureOutput({ writeErr: () => undefined }));
    await expect(program.parseAsync(['node', 'roll', 'warm', '--version', 'latest'])).rejects.toThrow(/positive integer/);
  });

  it('requires a voter count to generate a roll', async () => {
    const program = buildProgram()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    program.commands.forEach((c) => c.exitOverride().configureOutput({ writeErr: () => undefined }));
    await expect(program.parseAsync(['node', 'roll', 'generate', '--out', '/tmp/x'])).rejects.toThrow(/--voters/);
  });
});

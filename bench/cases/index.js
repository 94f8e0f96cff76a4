// Every benchmark family, one name each: bench/cases/<name>.js default-exports
// an array of cases (contract in bench/README.md). A family that fails to
// load is reported on stderr and skipped, so the others still run.
const FAMILIES = ['bytes', 'items', 'mpsc', 'xthread', 'stream', 'floor'];

const loaded = await Promise.all(
  FAMILIES.map(async (name) => {
    try {
      return (await import(`./${name}.js`)).default;
    } catch (e) {
      process.stderr.write(`bench: family ${name} skipped, it failed to load: ${e instanceof Error ? e.message : e}\n`);
      return [];
    }
  }),
);

export default loaded.flat();

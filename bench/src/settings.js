// The run's settings, from the environment (see bench/README.md, "Run it"):
//   BENCH_QUICK=1             fewer, shorter samples: checks that everything works
//   BENCH_ONLY=node,koa       only these frameworks (ids in src/contenders/index.js)
//   BENCH_SCENARIOS=S1,S5-10  only these scenarios
//   BENCH_SKIP=http,startup   skip figures ('inprocess', 'http', 'startup')
//   BENCH_OUT=path.md         where to write the report (default bench/RESULTS.md); the charts go
//                             to charts/ beside it
//   BENCH_ROUNDS, BENCH_PIPELINING, BENCH_PROCESSES  override the HTTP rounds, autocannon's
//                             pipelining (1) and the fresh processes per start-up contender
export const QUICK = process.env.BENCH_QUICK === '1';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const list = (name) => process.env[name]?.split(',').filter(Boolean);

// Six is the fewest samples with a 95% interval for a median (see ./stats.js), so even the quick
// run has six of everything.
export const SETTINGS = QUICK
  ? {
      mode: 'quick',
      inprocess: { samples: 6, sampleMs: 5, warmUpMs: 50 },
      inprocessApp: { samples: 6, sampleMs: 10, warmUpMs: 100 },
      rounds: env('BENCH_ROUNDS', 6),
      load: { connections: 8, duration: 0.1, pipelining: env('BENCH_PIPELINING', 1) },
      warmUp: { connections: 8, duration: 0.1 },
      hostileRounds: 6,
      hostileLoad: { connections: 2, amount: 10 },
      startup: { processes: env('BENCH_PROCESSES', 6), largePolicyProcesses: 6 },
    }
  : {
      mode: 'full',
      inprocess: { samples: 15, sampleMs: 15, warmUpMs: 150 },
      // Whole apps: a call is microseconds and makes its own garbage, so a sample spans several
      // collections and the interval narrows with more of them.
      inprocessApp: { samples: 21, sampleMs: 40, warmUpMs: 400 },
      // 15 rounds: the sign-test interval is then the 4th to the 12th of 15 (96.5%). Short rounds,
      // many of them: the noise is from one moment to the next, which more rounds average out.
      rounds: env('BENCH_ROUNDS', 15),
      load: { connections: 8, duration: 0.2, pipelining: env('BENCH_PIPELINING', 1) },
      warmUp: { connections: 8, duration: 0.3 },
      // S7's cells are milliseconds, where the noise is microseconds: six rounds tell them.
      hostileRounds: 6,
      hostileLoad: { connections: 2, amount: 20 },
      startup: { processes: env('BENCH_PROCESSES', 40), largePolicyProcesses: 15 },
    };

export const ONLY_FRAMEWORKS = list('BENCH_ONLY');
export const ONLY_SCENARIOS = list('BENCH_SCENARIOS');
export const SKIP = new Set(list('BENCH_SKIP') ?? []);

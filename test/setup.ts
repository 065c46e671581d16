// Property tests run with a fixed seed, so a run is repeatable (CI never fails by chance);
// FC_SEED=<n> explores other cases by hand.
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261129) });

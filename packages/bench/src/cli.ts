/**
 * `npm run bench` entry point. The scenario harness arrives with issue 5; until then this says so
 * and exits 0, so the README's command is real and honest.
 */
console.log(
  'synkti-bench: the scenario harness is not built yet (issue 5). ' +
    'Try `npm run bench:solver` for the assignment solver benchmark.',
);

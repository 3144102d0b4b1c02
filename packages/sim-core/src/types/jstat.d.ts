/** The one jstat function Synkti uses (jstat ships no type declarations; it is CommonJS). */
declare module 'jstat' {
  const jstat: {
    studentt: {
      /** Quantile of Student's t distribution with `dof` degrees of freedom. */
      inv(p: number, dof: number): number;
    };
  };
  export default jstat;
}

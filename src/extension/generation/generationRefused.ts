/** Generation may not run now (untrusted workspace, a run already going, a folder that cannot be resumed); the message is for the user. */
export class GenerationRefused extends Error {}

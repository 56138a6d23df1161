/** Values the auth providers take from the config (the classes are their own tokens). */
export const SESSION_OPTIONS = Symbol('SESSION_OPTIONS');
export const USER_OPTIONS = Symbol('USER_OPTIONS');
/** The clock sessions read (tests give a fixed one). */
export const CLOCK = Symbol('CLOCK');

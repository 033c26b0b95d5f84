package org.vvmhost.host.drill;

/** The signals a drill sends, by their {@code kill -<name>} names. */
enum Signal {
    TERM, KILL, STOP, CONT
}

package org.vvmhost.host;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import javax.inject.Scope;

/**
 * One object per VVM. A run launches one VVM at a time, and a new one, with new services and a new preloader, each
 * time the previous one gave its term up without stopping the process (a switchover).
 */
@Scope
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface VvmScope {
}

package org.vvmhost.host;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import javax.inject.Scope;

/** One object per {@code vvmhost run}: the clock, the leadership and the VVM are shared within it. */
@Scope
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface RunScope {
}

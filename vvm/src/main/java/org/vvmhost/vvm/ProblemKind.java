package org.vvmhost.vvm;

/** Why a VVM stopped on its own. The host maps each kind to an exit code. */
public enum ProblemKind {
    /** The campaign failed or timed out, or the backend refused us. */
    ACQUISITION_FAILED,
    /** Leadership was lost while leading. */
    LEADERSHIP_LOST,
    /** A service failed to start, or failed while running. */
    SERVICE_FAILED
}

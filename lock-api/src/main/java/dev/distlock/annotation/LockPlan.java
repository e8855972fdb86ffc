package dev.distlock.annotation;

/** The locks of one method on one target class, in declaration order; or {@link #NONE}. */
final class LockPlan {
    static final LockPlan NONE = new LockPlan("(none)", new LockSpec[0], null);

    /** The method, for messages: {@code ShopImpl.buy(String,int)}. */
    final String where;
    final LockSpec[] specs;
    /** What {@link OnFailure#SKIP} returns for this method's return type. */
    final Object skipValue;

    LockPlan(String where, LockSpec[] specs, Object skipValue) {
        this.where = where;
        this.specs = specs;
        this.skipValue = skipValue;
    }

    boolean isNone() {
        return specs.length == 0;
    }
}

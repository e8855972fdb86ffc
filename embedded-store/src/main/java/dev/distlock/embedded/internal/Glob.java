package dev.distlock.embedded.internal;

/**
 * Redis's glob-style matching (KEYS, SCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS): {@code *},
 * {@code ?}, {@code [abc]}, {@code [^a-z]}, and {@code \} to escape. Case-sensitive, on bytes.
 */
final class Glob {
    private Glob() {
    }

    static boolean matches(byte[] pattern, byte[] s) {
        return match(pattern, 0, s, 0, 0);
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, int depth) {
        if (depth > 1000) {
            return false; // pathological pattern; Redis also bounds nesting
        }
        int plen = p.length;
        int slen = s.length;
        while (pi < plen && si <= slen) {
            byte c = p[pi];
            switch (c) {
                case '*' -> {
                    while (pi + 1 < plen && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == plen) {
                        return true;
                    }
                    for (int k = si; k <= slen; k++) {
                        if (match(p, pi + 1, s, k, depth + 1)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= slen) {
                        return false;
                    }
                    si++;
                    pi++;
                }
                case '[' -> {
                    if (si >= slen) {
                        return false;
                    }
                    pi++;
                    boolean not = pi < plen && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean found = false;
                    while (true) {
                        if (pi >= plen) {
                            pi--; // unterminated: like Redis, treat the end as ']'
                            break;
                        }
                        if (p[pi] == '\\' && pi + 2 < plen) {
                            pi++;
                            if (p[pi] == s[si]) {
                                found = true;
                            }
                        } else if (p[pi] == ']') {
                            break;
                        } else if (pi + 2 < plen && p[pi + 1] == '-') {
                            int start = p[pi] & 0xff;
                            int end = p[pi + 2] & 0xff;
                            int ch = s[si] & 0xff;
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            pi += 2;
                            if (ch >= start && ch <= end) {
                                found = true;
                            }
                        } else if (p[pi] == s[si]) {
                            found = true;
                        }
                        pi++;
                    }
                    if (not) {
                        found = !found;
                    }
                    if (!found) {
                        return false;
                    }
                    si++;
                    pi++;
                }
                case '\\' -> {
                    if (pi + 1 < plen) {
                        pi++;
                    }
                    if (si >= slen || p[pi] != s[si]) {
                        return false;
                    }
                    si++;
                    pi++;
                }
                default -> {
                    if (si >= slen || c != s[si]) {
                        return false;
                    }
                    si++;
                    pi++;
                }
            }
        }
        return pi == plen && si == slen;
    }
}

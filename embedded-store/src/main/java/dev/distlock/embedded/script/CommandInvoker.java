package dev.distlock.embedded.script;

import dev.distlock.embedded.resp.Reply;

/**
 * Runs one Redis command from inside a script, on the server's command thread, and returns
 * its reply (errors as {@link Reply.ErrorReply}, never thrown).
 */
@FunctionalInterface
public interface CommandInvoker {
    /**
     * Runs a command.
     *
     * @param argv the command name and its arguments
     * @return the reply
     */
    Reply invoke(byte[][] argv);
}

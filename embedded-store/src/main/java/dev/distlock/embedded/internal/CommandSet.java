package dev.distlock.embedded.internal;

/** Fills a server's command table. */
final class CommandSet {
    private CommandSet() {
    }

    static void registerAll(RedisServerCore core) {
        CommandTable t = core.commands;
        StringCommands strings = new StringCommands(core);
        strings.register(t);
        new KeyCommands(core).register(t);
        new HashCommands(core).register(t);
        new ListCommands(core).register(t);
        new ZSetCommands(core).register(t);
        new PubSubCommands(core).register(t);
        new TxCommands(core).register(t);
        new ServerCommands(core).register(t);
        core.scripting.register(t);
        t.seal();
    }
}

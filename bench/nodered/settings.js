/**
 * Node-RED settings for the Hearth side-by-side benchmark.
 *
 * Everything not set here is Node-RED's default, as a user running the stock
 * `node-red` command gets it: the editor and admin API stay enabled on uiPort
 * (we only bind them to loopback), function nodes, diagnostics, etc.
 *
 * Environment (set by start.sh):
 *   HEARTH_NR_USERDIR    scratch user directory (required)
 *   HEARTH_NR_UI_PORT    HTTP port of the editor/admin API (default 1880)
 *   HEARTH_NR_FLOW_FILE  flow file name inside the user directory (default flows.json)
 */
const path = require('path');

if (!process.env.HEARTH_NR_USERDIR) {
    throw new Error('HEARTH_NR_USERDIR is not set (use bench/nodered/start.sh)');
}

module.exports = {
    userDir: path.resolve(process.env.HEARTH_NR_USERDIR),
    flowFile: process.env.HEARTH_NR_FLOW_FILE || 'flows.json',
    flowFilePretty: true,

    // No credentials encryption key prompt/warning: the bench flow has no
    // credentials, store them in plain text.
    credentialSecret: false,

    uiPort: Number(process.env.HEARTH_NR_UI_PORT || 1880),
    // Loopback only: the bench must not expose an unauthenticated editor.
    uiHost: '127.0.0.1',

    // Never phone home for update checks during a benchmark (the default is
    // "ask the user in the editor", which never happens here).
    telemetry: {
        enabled: false,
        updateNotification: false,
    },

    // Same defaults as the stock settings.js shipped with Node-RED.
    diagnostics: { enabled: true, ui: true },
    runtimeState: { enabled: false, ui: false },
    mqttReconnectTime: 15000,
    functionExternalModules: true,
    functionTimeout: 0,
    debugMaxLength: 1000,

    // Logging: level info; Node-RED writes every log line (all levels) to stdout.
    logging: {
        console: {
            level: 'info',
            metrics: false,
            audit: false,
        },
    },

    editorTheme: {
        projects: { enabled: false },
    },
};

/*
 * FROZEN COPY of the v1.1 header (commit dae09e7), used only to build tests/plugin_abi/plugins/zoo_v1_1.c:
 * proves that a plugin built against ABI v1.1 still loads in a v1.2+ host. Never edit.
 *
 * Hearth plugin ABI, major version 1: the whole contract between hearthd and a driver plugin.
 *
 * Pure C11 using only <stdint.h> and <stddef.h>. Everything that crosses the boundary is plain
 * data: ids and JSON text as (pointer, length) pairs that are borrowed for the duration of the
 * call only (copy what you keep). No C++ types, no exceptions, no host symbols: the plugin sees
 * the host only through the `hearth_host_api` table it is given.
 *
 * Compatibility policy (see docs/plugin-abi.md):
 *   - The major version is part of the entry symbol's name (`hearth_plugin_v1`).
 *   - Within a major version structs only grow by appending fields; every struct starts with
 *     `struct_size`. A host accepts a larger plugin struct only if the unknown tail is all zero,
 *     and never reads fields beyond the `struct_size` it was given.
 *   - Required function pointers are checked by the host before first use.
 *
 * Threading: the host calls every entry of one driver instance (create, start, handle_command,
 * refresh, stop, destroy, and timer callbacks) on one thread dedicated to that instance, never
 * concurrently. Host API functions may be called from any thread, at any time between `create`
 * returning and `destroy` returning.
 */
#ifndef HEARTH_PLUGIN_H
#define HEARTH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HEARTH_ABI_MAJOR 1
#define HEARTH_ABI_MINOR 1

/* The exported entry symbol of a v1 plugin. */
#define HEARTH_PLUGIN_ENTRY_V1 hearth_plugin_v1
#define HEARTH_PLUGIN_ENTRY_V1_NAME "hearth_plugin_v1"

#if defined(__GNUC__)
#define HEARTH_EXPORT __attribute__((visibility("default")))
#else
#define HEARTH_EXPORT
#endif

/** A borrowed UTF-8 string: `data` need not be NUL-terminated; valid only during the call. */
typedef struct hearth_str {
    const char* data;
    size_t size;
} hearth_str;

/** Result codes of plugin entries and host services. */
typedef enum hearth_status {
    HEARTH_OK = 0,               /* done */
    HEARTH_PENDING = 1,          /* accepted; completion follows via host->command_result */
    HEARTH_ERR_INVALID = -1,     /* the request or data is malformed or not allowed */
    HEARTH_ERR_UNSUPPORTED = -2, /* the device or driver cannot do this */
    HEARTH_ERR_DEVICE = -3,      /* the device refused or reported an error */
    HEARTH_ERR_OFFLINE = -4,     /* the device cannot be reached */
    HEARTH_ERR_TIMEOUT = -5,     /* the device did not answer in time */
    HEARTH_ERR_INTERNAL = -6     /* a bug or resource failure inside the driver or host */
} hearth_status;

typedef enum hearth_log_level {
    HEARTH_LOG_TRACE = 0,
    HEARTH_LOG_DEBUG = 1,
    HEARTH_LOG_INFO = 2,
    HEARTH_LOG_WARN = 3,
    HEARTH_LOG_ERROR = 4
} hearth_log_level;

/** Opaque host context handed to one driver instance; pass it back to every host service. */
typedef struct hearth_host hearth_host;
/** Opaque driver instance created by the plugin. */
typedef struct hearth_driver hearth_driver;

/** Timer callback: runs on the driver instance's thread. */
typedef void (*hearth_timer_fn)(void* user);

/**
 * Services the host offers to a driver instance. Every function may be called from any thread.
 * JSON arguments are UTF-8 JSON text; ids are `[a-z0-9_-]{1,64}`.
 * Functions returning int return a hearth_status.
 */
typedef struct hearth_host_api {
    uint32_t struct_size; /* sizeof(hearth_host_api) as the host was built */
    uint32_t abi_major;   /* HEARTH_ABI_MAJOR of the host */
    uint32_t abi_minor;   /* HEARTH_ABI_MINOR of the host */
    uint32_t reserved;

    /** Writes one log line attributed to this driver instance. */
    void (*log)(hearth_host* host, int level, hearth_str message);

    /** Registers (or replaces) a device from its JSON descriptor (see docs/device-model.md).
     *  The descriptor is validated before this returns: HEARTH_ERR_INVALID if it is not valid
     *  (the reason is logged). A device belongs to the instance that registered it. */
    int (*register_device)(hearth_host* host, hearth_str descriptor_json);

    /** Removes a device this instance registered. */
    int (*remove_device)(hearth_host* host, hearth_str device_id);

    /** Reports a full or partial state `{"property": value, ...}`; the core computes the diff. */
    int (*report_state)(hearth_host* host, hearth_str device_id, hearth_str state_json);

    /** Reports an event `{"event_type": "...", ...}`; the type must be in the descriptor. */
    int (*report_event)(hearth_host* host, hearth_str device_id, hearth_str event_json);

    /** Reports whether the device is reachable (1) or not (0). Apply hysteresis before calling. */
    int (*report_availability)(hearth_host* host, hearth_str device_id, int online);

    /** Completes a command for which handle_command returned HEARTH_PENDING.
     *  `status` is HEARTH_OK or an error code; `message` explains an error (may be empty). */
    int (*command_result)(hearth_host* host, uint64_t command_id, int status, hearth_str message);

    /** Schedules `fn(user)` on this instance's thread after `delay_ms`. Returns a timer id > 0,
     *  or 0 on failure. Timers of a stopped instance never fire. */
    uint64_t (*set_timer)(hearth_host* host, uint32_t delay_ms, hearth_timer_fn fn, void* user);

    /** Cancels a pending timer; harmless if it already fired or never existed. */
    void (*cancel_timer)(hearth_host* host, uint64_t timer_id);

    /** Milliseconds since the Unix epoch by the host's clock (injected in tests). */
    uint64_t (*now_ms)(hearth_host* host);

    /** Tells the host that the instance finished its initial discovery (all devices known). */
    int (*report_ready)(hearth_host* host);
} hearth_host_api;

/**
 * The plugin's description and entries, returned by the entry symbol. The returned pointer must
 * stay valid for the life of the process (hosts never dlclose a plugin).
 */
typedef struct hearth_plugin_v1_api {
    uint32_t struct_size; /* sizeof(hearth_plugin_v1_api) as the plugin was built */
    uint32_t abi_major;   /* must be HEARTH_ABI_MAJOR (1) */
    uint32_t abi_minor;   /* HEARTH_ABI_MINOR the plugin was built against */
    uint32_t reserved;    /* zero */

    const char* name;        /* required, NUL-terminated, `[a-z0-9_-]{1,64}` */
    const char* version;     /* required, NUL-terminated, e.g. "1.2.0" */
    const char* description; /* optional, NUL-terminated */

    /** Required. Creates an instance. `config_json` is the driver's `config` object from the
     *  main config. On failure returns NULL and writes a NUL-terminated reason into `error`
     *  (at most `error_size` bytes including the NUL). */
    hearth_driver* (*create)(const hearth_host_api* api, hearth_host* host, hearth_str instance_id,
                             hearth_str config_json, char* error, size_t error_size);

    /** Required. Starts the instance: register devices, open connections, arm timers.
     *  Should return promptly; slow work belongs in timers. */
    int (*start)(hearth_driver* driver, char* error, size_t error_size);

    /** Required. Executes a validated command on a device this instance registered.
     *  `command_json` is `{"command":"<name>","params":{...}}`; a write of properties is the
     *  command "set" with the properties as params. Returns HEARTH_OK when done, HEARTH_PENDING
     *  when it will complete via host->command_result(command_id, ...), or an error code with a
     *  NUL-terminated reason in `error`. */
    int (*handle_command)(hearth_driver* driver, uint64_t command_id, hearth_str device_id, hearth_str command_json,
                          char* error, size_t error_size);

    /** Optional (may be NULL). Re-reads the device and reports its state. */
    int (*refresh)(hearth_driver* driver, hearth_str device_id);

    /** Required. Stops the instance: cancel timers, close connections. No host calls after it
     *  returns except log. */
    void (*stop)(hearth_driver* driver);

    /** Required. Frees the instance. */
    void (*destroy)(hearth_driver* driver);

    /* ---- v1.1 (HEARTH_ABI_MINOR >= 1). A host reads these only if struct_size covers them. ---- */

    /** Optional (NULL = the empty manifest). NUL-terminated JSON declaring what the driver needs
     *  from its sandbox; the host grants only that (docs/security.md), e.g.
     *  {"network": ["tcp_client"], "tcp_ports": [55443]}. Keys: "network" (kinds "tcp_client",
     *  "tcp_server", "udp", "broadcast", "raw"), "tcp_ports", "listen_ports" (absent = any port),
     *  "devices", "read_paths", "write_paths" (absolute paths). */
    const char* manifest;
} hearth_plugin_v1_api;

/** Frozen size of the v1.0 `hearth_plugin_v1_api` (88 bytes on LP64): the smallest struct_size a
 *  host accepts. v1.0 plugins, built before `manifest` existed, load with the empty manifest. */
#define HEARTH_PLUGIN_V1_0_SIZE (offsetof(hearth_plugin_v1_api, manifest))

/** Type of the entry symbol. `host_abi_minor` tells the plugin which minor the host speaks. */
typedef const hearth_plugin_v1_api* (*hearth_plugin_entry_v1_fn)(uint32_t host_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* HEARTH_PLUGIN_H */

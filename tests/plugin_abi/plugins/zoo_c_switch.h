/*
 * A minimal, correct switch driver written against the raw C ABI, shared by the C plugins of the
 * zoo. Each zoo plugin includes it and then breaks exactly one thing in its own hearth_plugin_v1_api
 * (or entry symbol). The device id is "<instance id>_switch".
 */
#ifndef ZOO_C_SWITCH_H
#define ZOO_C_SWITCH_H

#include <hearth/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct zoo_c_switch {
    const hearth_host_api* api;
    hearth_host* host;
    char device_id[80];
    int on;
} zoo_c_switch;

static inline hearth_str zoo_str(const char* s) {
    hearth_str r;
    r.data = s;
    r.size = strlen(s);
    return r;
}

static inline zoo_c_switch* zoo_self(hearth_driver* d) { return (zoo_c_switch*)(void*)d; }

static inline void zoo_write_error(char* error, size_t error_size, const char* what) {
    if (error != NULL && error_size > 0) snprintf(error, error_size, "%s", what);
}

static inline hearth_driver* zoo_switch_create(const hearth_host_api* api, hearth_host* host, hearth_str instance_id,
                                               hearth_str config_json, char* error, size_t error_size) {
    zoo_c_switch* d;
    (void)config_json;
    if (instance_id.size == 0 || instance_id.size > 64) {
        zoo_write_error(error, error_size, "instance id must be 1..64 characters");
        return NULL;
    }
    d = (zoo_c_switch*)calloc(1, sizeof *d);
    if (d == NULL) {
        zoo_write_error(error, error_size, "out of memory");
        return NULL;
    }
    d->api = api;
    d->host = host;
    memcpy(d->device_id, instance_id.data, instance_id.size);
    memcpy(d->device_id + instance_id.size, "_switch", sizeof "_switch");
    return (hearth_driver*)(void*)d;
}

static inline int zoo_switch_report(zoo_c_switch* d) {
    return d->api->report_state(d->host, zoo_str(d->device_id), zoo_str(d->on ? "{\"on\":true}" : "{\"on\":false}"));
}

static inline int zoo_switch_register(zoo_c_switch* d) {
    char descriptor[512];
    snprintf(descriptor, sizeof descriptor,
             "{\"id\":\"%s\",\"name\":\"Zoo C switch\",\"type\":\"switch\","
             "\"properties\":{\"on\":{\"type\":\"bool\",\"writable\":true}},"
             "\"commands\":{\"turn_on\":{},\"turn_off\":{}}}",
             d->device_id);
    return d->api->register_device(d->host, zoo_str(descriptor));
}

static inline int zoo_switch_start(hearth_driver* driver, char* error, size_t error_size) {
    zoo_c_switch* d = zoo_self(driver);
    if (zoo_switch_register(d) != HEARTH_OK) {
        zoo_write_error(error, error_size, "the host refused the switch descriptor");
        return HEARTH_ERR_INTERNAL;
    }
    d->api->report_availability(d->host, zoo_str(d->device_id), 1);
    zoo_switch_report(d);
    d->api->report_ready(d->host);
    return HEARTH_OK;
}

/* Copies a borrowed string into a NUL-terminated buffer (truncating). */
static inline void zoo_copy(char* out, size_t out_size, hearth_str s) {
    size_t n = s.size < out_size - 1 ? s.size : out_size - 1;
    if (s.data != NULL)
        memcpy(out, s.data, n);
    else
        n = 0;
    out[n] = '\0';
}

static inline int zoo_switch_handle_command(hearth_driver* driver, uint64_t command_id, hearth_str device_id,
                                            hearth_str command_json, char* error, size_t error_size) {
    zoo_c_switch* d = zoo_self(driver);
    char body[512];
    (void)command_id;
    (void)device_id;
    zoo_copy(body, sizeof body, command_json);
    if (strstr(body, "\"command\":\"turn_on\"") != NULL)
        d->on = 1;
    else if (strstr(body, "\"command\":\"turn_off\"") != NULL)
        d->on = 0;
    else if (strstr(body, "\"command\":\"set\"") != NULL)
        d->on = strstr(body, "\"on\":true") != NULL;
    else {
        zoo_write_error(error, error_size, "unsupported command");
        return HEARTH_ERR_UNSUPPORTED;
    }
    zoo_switch_report(d);
    return HEARTH_OK;
}

static inline void zoo_switch_stop(hearth_driver* driver) { (void)driver; }

static inline void zoo_switch_destroy(hearth_driver* driver) { free(zoo_self(driver)); }

/* Fields after v1.0, all NULL; fewer when built against a frozen older header (zoo_v1_0, zoo_v1_1). */
#if defined(HEARTH_PLUGIN_V1_1_SIZE)
#define ZOO_V1_1_TAIL , NULL, NULL /* v1.1 manifest, v1.2 config_schema */
#elif defined(HEARTH_PLUGIN_V1_0_SIZE)
#define ZOO_V1_1_TAIL , NULL /* built against the frozen v1.1 header */
#else
#define ZOO_V1_1_TAIL
#endif

/* Initializer of a correct v1.0 api struct named `name`; zoo plugins then break one field. */
#define ZOO_SWITCH_API(plugin_name)                                                                                  \
    {                                                                                                                \
        sizeof(hearth_plugin_v1_api), HEARTH_ABI_MAJOR, HEARTH_ABI_MINOR, 0, plugin_name, "0.0.1", "bad-plugin zoo", \
            &zoo_switch_create, &zoo_switch_start, &zoo_switch_handle_command, NULL, &zoo_switch_stop,               \
            &zoo_switch_destroy ZOO_V1_1_TAIL                                                                        \
    }

#endif /* ZOO_C_SWITCH_H */

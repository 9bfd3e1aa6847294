/* Zoo case 9: a plugin that talks garbage. It starts (and registers one valid switch, so it can be
 * commanded), but on the way it sends the host an invalid descriptor, non-JSON text, state that is
 * not an object, state for a device it never registered, and handle_command answers with a status
 * code that does not exist. The host must refuse or count each, and keep running. */
#include "zoo_c_switch.h"
#include "zoo_garbage.h"

static int results[ZOO_G_COUNT];

HEARTH_EXPORT int zoo_garbage_result(int index) {
    return index >= 0 && index < ZOO_G_COUNT ? results[index] : ZOO_GARBAGE_UNSET;
}

static int garbage_start(hearth_driver* driver, char* error, size_t error_size) {
    zoo_c_switch* d = zoo_self(driver);
    hearth_str dev = zoo_str(d->device_id);
    int i;
    (void)error;
    (void)error_size;
    for (i = 0; i < ZOO_G_COUNT; ++i) results[i] = ZOO_GARBAGE_UNSET;

    results[ZOO_G_REGISTER_INVALID_DESCRIPTOR] =
        d->api->register_device(d->host, zoo_str("{\"id\":\"Not A Valid Id\",\"type\":\"toaster\",\"properties\":{}}"));
    results[ZOO_G_REGISTER_NOT_JSON] = d->api->register_device(d->host, zoo_str("{\"id\":\"zoo_garbage_half"));
    results[ZOO_G_REGISTER_GOOD] = zoo_switch_register(d);
    d->api->report_availability(d->host, dev, 1);
    results[ZOO_G_STATE_NOT_JSON] = d->api->report_state(d->host, dev, zoo_str("{on: tru"));
    results[ZOO_G_STATE_NOT_OBJECT] = d->api->report_state(d->host, dev, zoo_str("[1,2,3]"));
    results[ZOO_G_STATE_WRONG_TYPE] = d->api->report_state(d->host, dev, zoo_str("{\"on\":\"yes\"}"));
    results[ZOO_G_STATE_GHOST_DEVICE] = d->api->report_state(d->host, zoo_str("zoo_ghost"), zoo_str("{\"on\":true}"));
    results[ZOO_G_EVENT_NOT_JSON] = d->api->report_event(d->host, dev, zoo_str("\xff\xfe not json"));
    results[ZOO_G_COMMAND_RESULT_PENDING] =
        d->api->command_result(d->host, 999999, HEARTH_PENDING, zoo_str("pending is not a result"));
    d->api->report_ready(d->host);
    return HEARTH_OK;
}

static int garbage_handle_command(hearth_driver* driver, uint64_t command_id, hearth_str device_id,
                                  hearth_str command_json, char* error, size_t error_size) {
    zoo_c_switch* d = zoo_self(driver);
    char body[256];
    (void)device_id;
    zoo_copy(body, sizeof body, command_json);
    if (strstr(body, "\"command\":\"turn_off\"") != NULL) {
        /* Completes asynchronously, with a status code that does not exist either. */
        d->api->command_result(d->host, command_id, ZOO_GARBAGE_STATUS, zoo_str(""));
        return HEARTH_PENDING;
    }
    zoo_write_error(error, error_size, "this text must not hide the bad status");
    return ZOO_GARBAGE_STATUS;
}

HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t host_abi_minor) {
    static hearth_plugin_v1_api api = ZOO_SWITCH_API("zoo_garbage");
    (void)host_abi_minor;
    api.start = &garbage_start;
    api.handle_command = &garbage_handle_command;
    return &api;
}

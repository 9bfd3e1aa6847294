/* Zoo case 5: a required entry (handle_command) is NULL. */
#include "zoo_c_switch.h"

HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t host_abi_minor) {
    static hearth_plugin_v1_api api = ZOO_SWITCH_API("zoo_null_entry");
    (void)host_abi_minor;
    api.handle_command = NULL;
    return &api;
}

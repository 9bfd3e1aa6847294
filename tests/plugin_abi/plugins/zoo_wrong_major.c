/* Zoo case 2: a v2 plugin that (wrongly) exports the v1 entry symbol: abi_major = 2. */
#include "zoo_c_switch.h"

HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t host_abi_minor) {
    static hearth_plugin_v1_api api = ZOO_SWITCH_API("zoo_wrong_major");
    (void)host_abi_minor;
    api.abi_major = 2;
    return &api;
}

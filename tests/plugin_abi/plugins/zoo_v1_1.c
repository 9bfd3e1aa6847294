/* A correct plugin compiled against the frozen v1.1 header (tests/plugin_abi/abi_v1_1): its struct
 * is the v1.1 size (a manifest, no config_schema field). It must load, run, keep its manifest and
 * get no config schema. */
#include "zoo_c_switch.h"

HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t host_abi_minor) {
    static hearth_plugin_v1_api api = ZOO_SWITCH_API("zoo_v1_1");
    (void)host_abi_minor;
    api.manifest = "{\"network\": []}";
    return &api;
}

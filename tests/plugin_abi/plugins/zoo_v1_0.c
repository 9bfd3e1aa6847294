/* A correct plugin compiled against the frozen v1.0 header (tests/plugin_abi/abi_v1_0): its struct
 * is the v1.0 size (no manifest field). It must load, run, and get the empty manifest. */
#include "zoo_c_switch.h"

HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t host_abi_minor) {
    static const hearth_plugin_v1_api api = ZOO_SWITCH_API("zoo_v1_0");
    (void)host_abi_minor;
    return &api;
}

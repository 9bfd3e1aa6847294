/* Zoo case 4: a plugin built against a (hypothetical) newer minor 1.5 whose struct grew by two
 * fields. Included by zoo_tail_zero.c and zoo_tail_nonzero.c with ZOO_TAIL_FLAGS set. */
#include "zoo_c_switch.h"

typedef struct zoo_v1_5_api {
    hearth_plugin_v1_api base;
    uint64_t future_flags;   /* a field this host does not know */
    const char* future_text; /* another one */
} zoo_v1_5_api;

HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t host_abi_minor) {
    static zoo_v1_5_api api = {ZOO_SWITCH_API(ZOO_TAIL_NAME), 0, NULL};
    (void)host_abi_minor;
    api.base.struct_size = sizeof(zoo_v1_5_api);
    api.base.abi_minor = 5;
    api.future_flags = ZOO_TAIL_FLAGS;
    return &api.base;
}

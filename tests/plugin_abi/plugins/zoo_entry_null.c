/* Zoo case 10a: the entry symbol exists but returns NULL. */
#include <hearth/plugin.h>

#include <stddef.h>

HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t host_abi_minor) {
    (void)host_abi_minor;
    return NULL;
}

/* Zoo case 3: an older/truncated struct. The object really is shorter than hearth_plugin_v1_api
 * (it ends before `destroy`) and says so in struct_size; the host must not read past it. */
#include "zoo_c_switch.h"

typedef struct zoo_short_api {
    uint32_t struct_size;
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t reserved;
    const char* name;
    const char* version;
    const char* description;
    hearth_driver* (*create)(const hearth_host_api*, hearth_host*, hearth_str, hearth_str, char*, size_t);
    int (*start)(hearth_driver*, char*, size_t);
    int (*handle_command)(hearth_driver*, uint64_t, hearth_str, hearth_str, char*, size_t);
    int (*refresh)(hearth_driver*, hearth_str);
    void (*stop)(hearth_driver*);
} zoo_short_api;

HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t host_abi_minor) {
    static const zoo_short_api api = {sizeof(zoo_short_api),
                                      HEARTH_ABI_MAJOR,
                                      HEARTH_ABI_MINOR,
                                      0,
                                      "zoo_short_struct",
                                      "0.0.1",
                                      "bad-plugin zoo",
                                      &zoo_switch_create,
                                      &zoo_switch_start,
                                      &zoo_switch_handle_command,
                                      NULL,
                                      &zoo_switch_stop};
    (void)host_abi_minor;
    return (const hearth_plugin_v1_api*)(const void*)&api;
}

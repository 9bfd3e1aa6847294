/* Zoo extra: a corrupt struct_size (0x7fffffff, e.g. an uninitialized field). The struct sits at
 * the very end of a mapped page followed by an inaccessible guard page, so a host that trusts
 * struct_size and scans the "unknown tail" faults deterministically instead of by luck. */
#define _GNU_SOURCE
#include "zoo_c_switch.h"

#include <sys/mman.h>
#include <unistd.h>

HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t host_abi_minor) {
    static const hearth_plugin_v1_api proto = ZOO_SWITCH_API("zoo_tail_absurd");
    static hearth_plugin_v1_api* api = NULL;
    (void)host_abi_minor;
    if (api == NULL) {
        const size_t page = (size_t)sysconf(_SC_PAGESIZE);
        unsigned char* mem =
            (unsigned char*)mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED) return NULL;
        if (mprotect(mem + page, page, PROT_NONE) != 0) return NULL;
        api = (hearth_plugin_v1_api*)(void*)(mem + page - sizeof(hearth_plugin_v1_api));
        memcpy(api, &proto, sizeof proto);
        api->struct_size = 0x7fffffffu;
    }
    return api;
}

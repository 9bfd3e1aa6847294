// Plugin loading and ABI negotiation (see plugin_module.hpp).
#include "plugin/plugin_module.hpp"

#include "core/device_model.hpp"
#include "sandbox/plugin_file.hpp"

#include <dlfcn.h>

#include <algorithm>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hearth {
namespace {

constexpr std::uint32_t max_plugin_struct_size = 4096;  // no v1.x struct will ever be this large

bool tail_is_zero(const hearth_plugin_v1_api* api) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(api);
    for (std::size_t i = sizeof(hearth_plugin_v1_api); i < api->struct_size; ++i) {
        if (bytes[i] != 0) return false;
    }
    return true;
}

std::string missing_entry(const hearth_plugin_v1_api& api) {
    if (api.create == nullptr) return "create";
    if (api.start == nullptr) return "start";
    if (api.handle_command == nullptr) return "handle_command";
    if (api.stop == nullptr) return "stop";
    if (api.destroy == nullptr) return "destroy";
    return "";
}

}  // namespace

std::filesystem::path plugin_path(const std::filesystem::path& dir, const std::string& name) {
    return dir / (name + ".so");
}

result<std::shared_ptr<const plugin_module>> load_plugin(const std::filesystem::path& path,
                                                         const std::string& expected_name) {
    const std::string where = path.string() + ": ";
    // A truncated file would SIGBUS inside dlopen: check the ELF layout first.
    if (const std::string bad = sandbox::check_elf_file(path.string()); !bad.empty()) {
        return fail(where + "cannot load: " + bad);
    }
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = ::dlerror();  // NOLINT(concurrency-mt-unsafe): glibc keeps the dlerror state per thread
        return fail(where + "cannot load: " + (why != nullptr ? why : "unknown dlopen error"));
    }
    // From here on the handle is never closed, by design (see the file comment).
    void* sym = ::dlsym(handle, HEARTH_PLUGIN_ENTRY_V1_NAME);
    if (sym == nullptr) {
        return fail(where + "no entry symbol '" HEARTH_PLUGIN_ENTRY_V1_NAME "': not a Hearth plugin for ABI v1");
    }
    auto entry = reinterpret_cast<hearth_plugin_entry_v1_fn>(sym);
    const hearth_plugin_v1_api* api = nullptr;
    try {
        api = entry(HEARTH_ABI_MINOR);
    } catch (...) {
        return fail(where + "the entry function threw an exception");
    }
    if (api == nullptr) {
        return fail(where + "the entry function returned NULL");
    }
    if (api->abi_major != HEARTH_ABI_MAJOR) {
        return fail(where + "built for plugin ABI major " + std::to_string(api->abi_major) + ", this host speaks " +
                    std::to_string(HEARTH_ABI_MAJOR));
    }
    if (api->struct_size < HEARTH_PLUGIN_V1_0_SIZE) {
        return fail(where + "plugin struct_size " + std::to_string(api->struct_size) +
                    " is smaller than the v1.0 size " + std::to_string(HEARTH_PLUGIN_V1_0_SIZE));
    }
    if (api->struct_size > max_plugin_struct_size) {
        return fail(where + "plugin struct_size " + std::to_string(api->struct_size) + " is not plausible (limit " +
                    std::to_string(max_plugin_struct_size) + "): corrupt plugin");
    }
    if (api->struct_size > sizeof(hearth_plugin_v1_api) && !tail_is_zero(api)) {
        return fail(where + "built against a newer ABI minor (" + std::to_string(api->abi_minor) +
                    ") and uses fields this host does not know; upgrade hearthd");
    }
    auto module = std::make_shared<plugin_module>();
    // Only what the plugin's struct covers: a v1.0 plugin has no manifest, a v1.1 plugin no
    // config_schema (both left NULL).
    std::memcpy(&module->api, api, std::min<std::size_t>(api->struct_size, sizeof(hearth_plugin_v1_api)));
    module->api.struct_size = sizeof(hearth_plugin_v1_api);
    if (const std::string missing = missing_entry(module->api); !missing.empty()) {
        return fail(where + "required entry '" + missing + "' is NULL");
    }
    if (api->name == nullptr || !is_valid_id(api->name) || api->version == nullptr) {
        return fail(where + "the plugin must give a name ([a-z0-9_-]{1,64}) and a version");
    }
    module->path = path.string();
    module->name = api->name;
    module->version = api->version;
    module->description = api->description != nullptr ? api->description : "";
    if (module->api.manifest != nullptr)
        module->manifest = std::string(module->api.manifest, ::strnlen(module->api.manifest, 64 * 1024 + 1));
    if (module->api.config_schema != nullptr) {
        module->config_schema =
            std::string(module->api.config_schema, ::strnlen(module->api.config_schema, 256 * 1024 + 1));
    }
    if (!expected_name.empty() && module->name != expected_name) {
        return fail(where + "the plugin calls itself '" + module->name + "', expected '" + expected_name + "'");
    }
    return std::shared_ptr<const plugin_module>(std::move(module));
}

}  // namespace hearth

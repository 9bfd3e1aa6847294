// A dlopen()ed driver instance on a fake_host (see driver_instance.hpp).
#include <hearth/testing/driver_instance.hpp>

#include <dlfcn.h>

namespace hearth::testing {

namespace {
using json = nlohmann::json;
hearth_str cstr(const std::string& s) { return hearth_str{s.data(), s.size()}; }
}  // namespace

const hearth_plugin_v1_api* load_plugin(const std::string& path, std::string* error) {
    auto fail = [&](const std::string& why) -> const hearth_plugin_v1_api* {
        if (error != nullptr) *error = why;
        return nullptr;
    };
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        return fail(why != nullptr ? why : "dlopen failed: " + path);
    }
    auto entry = reinterpret_cast<hearth_plugin_entry_v1_fn>(dlsym(handle, HEARTH_PLUGIN_ENTRY_V1_NAME));
    if (entry == nullptr) return fail(path + " has no " HEARTH_PLUGIN_ENTRY_V1_NAME);
    const hearth_plugin_v1_api* api = entry(HEARTH_ABI_MINOR);
    if (api == nullptr) return fail(path + ": the plugin refused ABI minor " + std::to_string(HEARTH_ABI_MINOR));
    return api;
}

bool driver_instance::create(const json& config) {
    const std::string text = config.dump();
    char err[512] = {0};
    host_.accepting(true);
    host_.call(
        [&] { driver_ = plugin_->create(host_.api(), host_.ctx(), cstr(instance_id_), cstr(text), err, sizeof err); });
    error_ = err;
    started_ = false;
    return driver_ != nullptr;
}

int driver_instance::start() {
    char err[512] = {0};
    int rc = HEARTH_ERR_INTERNAL;
    host_.call([&] { rc = plugin_->start(driver_, err, sizeof err); });
    error_ = err;
    started_ = true;
    return rc;
}

bool driver_instance::create_and_start(const json& config) { return create(config) && start() == HEARTH_OK; }

int driver_instance::command(std::uint64_t id, const std::string& device, const std::string& name, const json& params) {
    const std::string body = json{{"command", name}, {"params", params}}.dump();
    char err[512] = {0};
    int rc = HEARTH_ERR_INTERNAL;
    host_.call([&] { rc = plugin_->handle_command(driver_, id, cstr(device), cstr(body), err, sizeof err); });
    error_ = err;
    return rc;
}

void driver_instance::stop_and_destroy() {
    if (driver_ == nullptr) return;
    host_.call([&] {
        if (started_) plugin_->stop(driver_);
        host_.accepting(false);  // after stop() the driver must not report any more
        plugin_->destroy(driver_);
    });
    driver_ = nullptr;
    started_ = false;
}

}  // namespace hearth::testing

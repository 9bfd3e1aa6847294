// The front end's files, served from one folder (config web.assets_dir, installed to
// /usr/share/hearth/web): GET and HEAD only, no path outside the folder, a content type per
// extension, revalidated caching (Cache-Control: no-cache + Last-Modified / If-Modified-Since).
#pragma once

#include "web/http_server.hpp"

#include <string>

namespace hearth::web {

/// The response for `request` from the files under `root` ("/" is index.html): 200, 304, 404
/// (also for any path with "..", a hidden part or a character outside [A-Za-z0-9._/-]) or 405.
/// Security headers included.
http_response serve_static(const std::string& root, const http_request& request);

}  // namespace hearth::web

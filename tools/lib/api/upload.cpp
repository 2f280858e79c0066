// POST /api/v1/domains as multipart/form-data: the parts "config" (text),
// "kernel" and "ramdisk" (files). Files stream into dom0's file system
// under upload_root/.partial-<connection>/ as they arrive; once the whole
// body is in and the config names the domain, the directory becomes
// upload_root/NAME/ and the config's kernel=/ramdisk= point there. Any
// refusal, or the client going away, removes what was written.
#include "tools/lib/api/api.hpp"
#include "tools/lib/fs/file_system.hpp"

namespace api {

namespace {

constexpr char upload_root[] = "/var/lib/xenith/upload";

void mkdir_p(fs::File_system& f, Str path)
{
    for (uint32_t i = 1; i <= path.n; ++i)
        if (i == path.n || path[i] == '/')
            (void)f.mkdir(path.prefix(i));
}

// A name usable as one directory name.
bool plain_name(Str s)
{
    if (s.empty() || s == "." || s == "..")
        return false;
    for (uint32_t i = 0; i < s.n; ++i)
        if (s[i] == '/' || s[i] == '\0')
            return false;
    return true;
}

void remove_dir(fs::File_system& f, Str dir, const toolstack::Allocator& a)
{
    static const char* const leaves[] = {"kernel", "ramdisk", "config"};
    for (const char* leaf : leaves) {
        Text p(a);
        p.put(dir).put_char('/').put(leaf);
        (void)f.remove(p.str());
    }
    (void)f.rmdir(dir);
}

} // namespace

struct Upload {
    enum class Part : uint8_t { none, config, kernel, ramdisk };

    Upload(Api& a, Str boundary, const Multipart_sink& sink)
        : api(a), reader(boundary, sink), config(a.alloc_), dir(a.alloc_), file(a.alloc_)
    {
    }

    Api& api;
    Multipart_reader reader;
    Text config;
    Text dir;  // the partial directory
    Text file; // the file being written
    Part part = Part::none;
    bool has_config = false, has_kernel = false, has_ramdisk = false;
    unsigned status = 0; // a refusal seen while streaming
    const char* why = "";

    void refuse(unsigned s, const char* w)
    {
        if (!status) {
            status = s;
            why = w;
        }
    }

    static bool part_begin(void* ctx, Str name, Str)
    {
        auto& u = *static_cast<Upload*>(ctx);
        fs::File_system& f = *u.api.cfg_.fs;
        bool* seen = name == "config"    ? &u.has_config
                     : name == "kernel"  ? &u.has_kernel
                     : name == "ramdisk" ? &u.has_ramdisk
                                         : nullptr;
        if (!seen) {
            u.refuse(400, "unknown form field (config, kernel and ramdisk are known)");
            return false;
        }
        if (*seen) {
            u.refuse(400, "a form field given twice");
            return false;
        }
        *seen = true;
        u.part = name == "config" ? Part::config : name == "kernel" ? Part::kernel : Part::ramdisk;
        if (u.part == Part::config)
            return true;
        u.file.clear();
        u.file.put(u.dir.str()).put_char('/').put(name);
        if (!u.file.ok() || f.write(u.file.str(), Str()) != fs::Err::none) {
            u.refuse(503, "cannot store the upload");
            return false;
        }
        return true;
    }

    static bool part_data(void* ctx, Str bytes)
    {
        auto& u = *static_cast<Upload*>(ctx);
        if (u.part == Part::config) {
            if (u.config.size() + bytes.n > Server::json_body_max) {
                u.refuse(413, "the config is larger than 64 KiB");
                return false;
            }
            u.config.put(bytes);
            return true;
        }
        fs::Err e = u.api.cfg_.fs->append(u.file.str(), bytes);
        if (e == fs::Err::enospc || e == fs::Err::enomem) {
            u.refuse(413, "the upload does not fit in dom0's memory");
            return false;
        }
        if (e != fs::Err::none) {
            u.refuse(503, "cannot store the upload");
            return false;
        }
        return true;
    }

    static bool part_end(void* ctx)
    {
        static_cast<Upload*>(ctx)->part = Part::none;
        return true;
    }
};

Upload* Api::begin_upload(Str content_type, Reply& refusal, uint32_t conn_id)
{
    Str boundary;
    if (!Multipart_reader::boundary_of(content_type, boundary)) {
        error(refusal, 400, "multipart/form-data without a usable boundary");
        return nullptr;
    }
    if (!cfg_.fs) {
        error(refusal, 503, "uploads are not possible: no file system");
        return nullptr;
    }
    Multipart_sink sink;
    sink.part_begin = Upload::part_begin;
    sink.part_data = Upload::part_data;
    sink.part_end = Upload::part_end;
    auto* u = toolstack::create<Upload>(alloc_, *this, boundary, sink);
    if (!u) {
        error(refusal, 503, "out of memory");
        return nullptr;
    }
    u->reader.set_context(u); // the sink's callbacks get the Upload
    u->dir.put(upload_root).put("/.partial-").put_u64(conn_id);
    mkdir_p(*cfg_.fs, upload_root);
    remove_dir(*cfg_.fs, u->dir.str(), alloc_); // a leftover of an earlier connection
    if (!u->dir.ok() || cfg_.fs->mkdir(u->dir.str()) != fs::Err::none) {
        toolstack::destroy(alloc_, u);
        error(refusal, 503, "cannot store the upload");
        return nullptr;
    }
    return u;
}

bool Api::upload_bytes(Upload* u, const char* p, size_t n)
{
    if (u->status)
        return false;
    u->reader.feed(p, static_cast<uint32_t>(n));
    if (u->reader.state() == Multipart_reader::State::error) {
        u->refuse(400, u->reader.error());
        return false;
    }
    return true;
}

void Api::abandon_upload(Upload* u)
{
    remove_dir(*cfg_.fs, u->dir.str(), alloc_);
    toolstack::destroy(alloc_, u);
}

void Api::finish_upload(Upload* u, Reply& out)
{
    fs::File_system& f = *cfg_.fs;
    xl::Domain_spec spec;
    Text final_dir(alloc_);
    if (u->status) {
        error(out, u->status, u->why);
    } else if (!u->reader.done()) {
        error(out, 400, "multipart: the body ended before the close delimiter");
    } else if (!u->has_config) {
        error(out, 400, "the \"config\" field is missing");
    } else if (parse_config(u->config.str(), nullptr, 0, spec, out)) {
        final_dir.put(upload_root).put_char('/').put(spec.name);
        Text kernel(alloc_), ramdisk(alloc_);
        kernel.put(final_dir.str()).put("/kernel");
        ramdisk.put(final_dir.str()).put("/ramdisk");
        if (!plain_name(spec.name)) {
            error(out, 400, "the domain's name cannot be a directory name");
        } else if (name_in_use(spec.name)) {
            // Before the directory is touched: a build may be reading it.
            name_conflict(spec.name, out);
        } else if (kernel.size() >= sizeof spec.kernel || !final_dir.ok()) {
            error(out, 400, "the domain's name is too long for an upload path");
        } else {
            remove_dir(f, final_dir.str(), alloc_);
            if (f.rename(u->dir.str(), final_dir.str()) != fs::Err::none) {
                error(out, 503, "cannot store the upload");
            } else {
                u->dir.clear();
                u->dir.put(final_dir.str());
                if (u->has_kernel) {
                    toolstack::mem_copy(spec.kernel, kernel.data(), kernel.size());
                    spec.kernel[kernel.size()] = '\0';
                }
                if (u->has_ramdisk) {
                    toolstack::mem_copy(spec.ramdisk, ramdisk.data(), ramdisk.size());
                    spec.ramdisk[ramdisk.size()] = '\0';
                }
                const uint8_t* data = nullptr;
                size_t len = 0;
                // The config is kept beside the files (DOMAIN's "config").
                Text config_file(alloc_);
                config_file.put(final_dir.str()).put("/config");
                if (!ts_.host().read_file(spec.kernel, data, len)) {
                    Text msg(alloc_);
                    msg.put("failed to read kernel '").put(spec.kernel).put("': no such file");
                    error(out, 400, msg.str());
                } else if (!config_file.ok() ||
                           f.write(config_file.str(), u->config.str()) != fs::Err::none) {
                    error(out, 503, "cannot store the upload");
                } else {
                    queue_create(spec, out, config_file.str());
                }
            }
        }
    }
    if (out.status >= 400)
        abandon_upload(u);
    else
        toolstack::destroy(alloc_, u);
}

} // namespace api

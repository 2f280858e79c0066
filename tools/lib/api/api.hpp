// The endpoints of the management API (docs/api.md) on the toolstack:
// routing (routes.cpp), what GET shows (views.cpp, metrics.cpp), what
// POST changes (actions.cpp), create operations and uploads
// (operations.cpp, upload.cpp) and the CPU/memory history (stats.cpp).
// The server (server.cpp) owns the HTTP side and calls in here.
// Internal to tools/lib/api. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/api/json_reader.hpp"
#include "tools/lib/api/json_writer.hpp"
#include "tools/lib/api/multipart.hpp"
#include "tools/lib/api/server.hpp"
#include "tools/lib/base/list.hpp"
#include "tools/lib/http/request_parser.hpp"

namespace api {

enum class Endpoint : uint8_t {
    none,
    static_file,
    host,
    domains, // GET list
    create,  // POST /api/v1/domains
    domain,  // GET one, DELETE
    vcpus,
    stats,
    sched_credit, // GET / POST
    action,       // POST pause|unpause|destroy|shutdown|reboot|vcpu-set|mem-set
    console,      // GET (maybe follow) / POST input
    dmesg,
    metrics,
    operation,
};

struct Route {
    Endpoint ep = Endpoint::none;
    unsigned status = 404; // 0: found; 404 unknown path, 405 wrong method
    Str allow;             // for 405
    Str dom;               // the {dom} segment, percent-decoded
    Str verb;              // the action's name
    uint64_t number = 0;   // the operation's id
    const Static_file* file = nullptr;
    char dom_buf[64] = {};
};

struct Request {
    Str method;
    Str query;
    Str content_type;
    Str body;
};

struct Reply {
    explicit Reply(const toolstack::Allocator& a) : body(a) {}
    unsigned status = 200;
    Str content_type = "application/json";
    Text body;
    Str allow;
    Str etag;
    bool www_authenticate = false;
    bool no_cache = false;
    bool has_console_offset = false;
    uint64_t console_offset = 0;
    // A follow stream: the body so far goes as the first chunk, then the
    // server keeps sending the domain's output from stream_at.
    bool stream = false;
    domid_t stream_dom = 0;
    uint64_t stream_at = 0;
};

// CPU% and memory of one domain, sampled once a second (stats.cpp).
struct Sample {
    uint64_t t_ns;
    uint32_t memory_kib;
    uint32_t cpu_permille; // percent * 10
};

struct Domain_stats : toolstack::List_link {
    static constexpr uint32_t capacity = 600;
    domid_t id = 0;
    uint64_t last_cpu_ns = 0, last_t_ns = 0;
    bool have_last = false;
    uint32_t cpu_permille = 0;    // over the last interval
    uint32_t count = 0, head = 0; // ring: samples[(head + i) % capacity]
    bool seen = false;            // in the latest sampling
    Sample samples[capacity] = {};
};

struct Operation : toolstack::List_link {
    enum class State : uint8_t { queued, running, done, failed };
    uint64_t id = 0;
    State state = State::queued;
    uint32_t progress_permille = 0;
    char target[64] = {};
    char message[256] = {};
    domid_t domid = 0;
    xl::Domain_spec spec;
    char config_path[128] = {};    // an uploaded config's file, for DOMAIN.config
    xl::Create_job* job = nullptr; // while running
};

struct Upload; // upload.cpp

class Api {
public:
    static constexpr uint32_t max_operations = 32;

    Api(Server& s, xl::Toolstack& ts, const toolstack::Allocator& a, const Server_config& cfg);
    ~Api();
    Api(const Api&) = delete;
    Api& operator=(const Api&) = delete;

    // routes.cpp
    void resolve(Str method, Str path, Route& r) const;
    [[nodiscard]] bool authorized(const http::Request_parser& p) const;
    // Whether the route takes a multipart upload body.
    static bool wants_upload(const Route& r, Str content_type);
    void handle(Route& r, const Request& q, Reply& out);
    void error(Reply& out, unsigned status, Str message) const;

    // upload.cpp: a multipart create streaming into the file system.
    Upload* begin_upload(Str content_type, Reply& refusal, uint32_t conn_id);
    [[nodiscard]] bool upload_bytes(Upload* u, const char* p, size_t n);
    void finish_upload(Upload* u, Reply& out);
    // Frees it and whatever it wrote (a client gone mid-upload).
    void abandon_upload(Upload* u);

    // Operations and sampling; the earliest time tick() has work.
    void tick();
    uint64_t next_deadline_ns() const;
    void domain_gone(domid_t id);
    const Domain_stats* stats_of(domid_t id) const;
    const Operation* operation(uint64_t id) const;
    uint32_t cpu_permille(domid_t id) const;

private:
    friend struct Upload;
    // views.cpp
    void get_host(Reply& out);
    void get_domains(Reply& out);
    void get_domain(Str dom, Reply& out);
    void get_vcpus(Str dom, Reply& out);
    void get_stats(Str dom, Reply& out);
    void get_dmesg(Reply& out);
    void get_console(Str dom, Str query, Reply& out);
    void get_operation(uint64_t id, Reply& out);
    void domain_json(Json_writer& j, const xen_domctl_getdomaininfo_t& di, xl::Domain* d);
    // metrics.cpp
    void get_metrics(Reply& out);
    // actions.cpp
    void post_action(Str dom, Str verb, const Request& q, Reply& out);
    void sched_credit(Str dom, const Request& q, Reply& out);
    void post_console(Str dom, const Request& q, Reply& out);
    // operations.cpp
    void post_create_json(const Request& q, Reply& out);
    // A spec checked and queued as an operation: 202 or the error.
    void queue_create(const xl::Domain_spec& spec, Reply& out, Str config_path = Str());
    // A domain has it, or a create not yet finished wants it (or invalid).
    bool name_in_use(Str name) const;
    void name_conflict(Str name, Reply& out) const;
    bool parse_config(Str text, const Str* extra, uint32_t n_extra, xl::Domain_spec& spec,
                      Reply& out);
    // One step of the operation's build (operations.cpp).
    void step_operation(Operation& op);
    // {dom}: a toolstack domain, or dom0 (both null and true), or 404.
    bool find_domain(Str dom, xl::Domain*& d, domid_t& id, Reply& out) const;
    // stats.cpp
    void sample();
    Domain_stats* stats_for(domid_t id);

    Server& server_;
    xl::Toolstack& ts_;
    const toolstack::Allocator& alloc_;
    const Server_config& cfg_;
    toolstack::List<Domain_stats> stats_;
    toolstack::List<Operation> ops_;
    uint64_t next_op_id_ = 1;
    uint64_t next_sample_ns_ = 0;
};

// Domain state as xl list's six letters into out[6].
void domain_state_letters(uint32_t flags, char out[6]);

} // namespace api

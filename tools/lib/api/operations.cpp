// POST /api/v1/domains: a config checked now (400 with xl's message, 409
// for a name in use), the build queued as an operation that tick() runs
// in the event loop and GET /api/v1/operations/{n} reports.
#include "tools/lib/api/api.hpp"
#include "tools/lib/xl/config_spec.hpp"

namespace api {

namespace {

void copy_message(char* dst, uint32_t cap, Str s)
{
    uint32_t n = s.n < cap - 1 ? s.n : cap - 1;
    toolstack::mem_copy(dst, s.p, n);
    dst[n] = '\0';
}

} // namespace

Api::Api(Server& s, xl::Toolstack& ts, const toolstack::Allocator& a, const Server_config& cfg)
    : server_(s), ts_(ts), alloc_(a), cfg_(cfg)
{
}

Api::~Api()
{
    while (Domain_stats* s = stats_.first()) {
        stats_.remove(s);
        toolstack::destroy(alloc_, s);
    }
    while (Operation* op = ops_.first()) {
        ts_.cancel_create(op->job); // a half-built domain goes too
        ops_.remove(op);
        toolstack::destroy(alloc_, op);
    }
}

const Operation* Api::operation(uint64_t id) const
{
    for (Operation* op = ops_.first(); op; op = ops_.next(op))
        if (op->id == id)
            return op;
    return nullptr;
}

bool Api::parse_config(Str text, const Str* extra, uint32_t n_extra, xl::Domain_spec& spec,
                       Reply& out)
{
    Text err(alloc_), warnings(alloc_);
    if (!xl::load_config_text(alloc_, "config", text, extra, n_extra, spec, err, warnings)) {
        error(out, 400, err.str());
        return false;
    }
    return true;
}

void Api::post_create_json(const Request& q, Reply& out)
{
    Str type = q.content_type.prefix(q.content_type.find(';'));
    while (!type.empty() && type[type.n - 1] == ' ')
        type = type.prefix(type.n - 1);
    if (!(type == "application/json"))
        return error(out, 415, "Content-Type must be application/json or multipart/form-data");
    auto* doc = toolstack::create<Json_doc>(alloc_);
    if (!doc)
        return error(out, 503, "out of memory");
    static constexpr uint32_t max_extra = 32;
    Text config(alloc_);
    Text extras(alloc_);
    Str extra[max_extra];
    uint32_t n_extra = 0, v = 0, list = 0;
    const char* bad = nullptr;
    if (!doc->parse(q.body))
        bad = doc->error();
    else if (!doc->member(0, "config", v) || !doc->string(v, config))
        bad = "body must be {\"config\":\"...\", \"extra\":[\"key=value\", ...]}";
    else if (doc->member(0, "extra", list)) {
        const Json_token& t = doc->token(list);
        if (t.type != Json_type::array || t.count > max_extra)
            bad = "\"extra\" must be an array of at most 32 strings";
        // Decoded one after another into extras, each ending in a NUL that
        // separates them; the views are made once extras stops growing.
        for (uint32_t i = 0; !bad && i < t.count; ++i) {
            uint32_t item = 0;
            if (!doc->item(list, i, item) || !doc->string(item, extras))
                bad = "\"extra\" must be an array of at most 32 strings";
            extras.put_char('\0');
        }
        if (!bad) {
            Str rest = extras.str();
            while (!rest.empty() && n_extra < max_extra) {
                uint32_t end = rest.find('\0');
                extra[n_extra++] = rest.prefix(end);
                rest = rest.sub(end + 1);
            }
        }
    }
    if (bad) {
        Text msg(alloc_);
        msg.put(bad);
        toolstack::destroy(alloc_, doc);
        return error(out, 400, msg.str());
    }
    toolstack::destroy(alloc_, doc);
    xl::Domain_spec spec;
    if (!parse_config(config.str(), extra, n_extra, spec, out))
        return;
    const uint8_t* data = nullptr;
    size_t len = 0;
    if (!ts_.host().read_file(spec.kernel, data, len)) {
        Text msg(alloc_);
        msg.put("failed to read kernel '").put(spec.kernel).put("': no such file");
        return error(out, 400, msg.str());
    }
    if (spec.ramdisk[0] && !ts_.host().read_file(spec.ramdisk, data, len)) {
        Text msg(alloc_);
        msg.put("failed to read ramdisk '").put(spec.ramdisk).put("': no such file");
        return error(out, 400, msg.str());
    }
    queue_create(spec, out);
}

bool Api::name_in_use(Str name) const
{
    bool pending = false;
    for (Operation* op = ops_.first(); op; op = ops_.next(op))
        pending |=
            (op->state == Operation::State::queued || op->state == Operation::State::running) &&
            Str(op->target) == name;
    return pending || name.empty() || name == "Domain-0" || ts_.find(name);
}

void Api::name_conflict(Str name, Reply& out) const
{
    Text msg(alloc_);
    msg.put("domain name '").put(name).put("' is already in use or invalid");
    error(out, 409, msg.str());
}

void Api::queue_create(const xl::Domain_spec& spec, Reply& out, Str config_path)
{
    Str name(spec.name);
    if (name_in_use(name))
        return name_conflict(name, out);
    // Room: the oldest finished operation makes way; all running: busy.
    if (ops_.size() >= max_operations) {
        Operation* old = nullptr;
        for (Operation* op = ops_.first(); op && !old; op = ops_.next(op))
            if (op->state == Operation::State::done || op->state == Operation::State::failed)
                old = op;
        if (!old)
            return error(out, 503, "too many operations running");
        ops_.remove(old);
        toolstack::destroy(alloc_, old);
    }
    auto* op = toolstack::create<Operation>(alloc_);
    if (!op)
        return error(out, 503, "out of memory");
    op->id = next_op_id_++;
    op->spec = spec;
    copy_message(op->target, sizeof op->target, name);
    copy_message(op->config_path, sizeof op->config_path, config_path);
    copy_message(op->message, sizeof op->message, "queued");
    ops_.push_back(op);
    ts_.host().wake_at(ts_.host().now_ns());
    out.status = 202;
    Json_writer j(out.body);
    Text path(alloc_);
    path.put("/api/v1/operations/").put_u64(op->id);
    j.begin_object().key("operation").string(path.str()).key("id").u64(op->id).end_object();
}

void Api::step_operation(Operation& op)
{
    Text err(alloc_);
    auto failed = [&] {
        op.state = Operation::State::failed;
        op.job = nullptr;
        Text msg(alloc_);
        msg.put("libxl: error: ").put(err.str());
        copy_message(op.message, sizeof op.message, msg.str());
    };
    if (op.state == Operation::State::queued) {
        op.job = ts_.begin_create(op.spec, err);
        if (!op.job)
            return failed();
        op.state = Operation::State::running;
    }
    xl::Domain* d = nullptr;
    xl::Create_state st = ts_.create_step(op.job, d, err);
    if (st == xl::Create_state::failed)
        return failed();
    if (st == xl::Create_state::running) {
        op.progress_permille = xl::Toolstack::create_progress_permille(op.job);
        copy_message(op.message, sizeof op.message, xl::Toolstack::create_phase(op.job));
        return;
    }
    op.job = nullptr;
    d->set_config_path(op.config_path);
    op.state = Operation::State::done;
    op.progress_permille = 1000;
    op.domid = d->domid;
    copy_message(op.message, sizeof op.message, "running");
}

void Api::tick()
{
    uint64_t now = ts_.host().now_ns();
    // One step of each build per tick: the event loop serves in between.
    for (Operation* op = ops_.first(); op; op = ops_.next(op))
        if (op->state == Operation::State::queued || op->state == Operation::State::running)
            step_operation(*op);
    if (now >= next_sample_ns_) {
        sample();
        next_sample_ns_ = now + cfg_.sample_interval_ns;
    }
}

uint64_t Api::next_deadline_ns() const
{
    for (Operation* op = ops_.first(); op; op = ops_.next(op))
        if (op->state == Operation::State::queued || op->state == Operation::State::running)
            return 0;
    return next_sample_ns_;
}

} // namespace api

// libFuzzer target: parse_elf_image on arbitrary bytes, under both policies.
// Beyond "no crash, no UB, no out-of-bounds read" (ASan/UBSan), it checks the
// promise the domain builder relies on: an accepted image loads only inside
// [virt_kstart, virt_kend), below the hypervisor area, from bytes inside the
// image, with the entry point and hypercall page inside that range.
#include "hypervisor/boot/elf_image.hpp"

#include <cstdlib>

namespace {

struct Checking_sink final : Elf_sink {
    const Elf_image* im;
    const uint8_t* data;
    size_t size;
    uint64_t bytes = 0;

    void check_dest(uint32_t dest, uint32_t len)
    {
        if (dest < im->virt_kstart || uint64_t{dest} + len > im->virt_kend)
            abort();
        bytes += len;
    }
    void copy(uint32_t dest, const uint8_t* src, uint32_t len) override
    {
        check_dest(dest, len);
        if (src < data || src + len > data + size)
            abort();
        volatile uint8_t sum = 0;
        for (uint32_t i = 0; i < len; ++i)
            sum = static_cast<uint8_t>(sum + src[i]); // let ASan see every read
    }
    void zero(uint32_t dest, uint32_t len) override { check_dest(dest, len); }
};

void run(const uint8_t* data, size_t size, const Elf_policy& policy)
{
    static Elf_image im; // large: keep it off the stack
    Elf_error err;
    if (!parse_elf_image(data, size, policy, im, err)) {
        if (err.text[0] == '\0')
            abort(); // every refusal must say why
        for (const char* c = err.text; *c != '\0'; ++c)
            if (*c < ' ' || *c > '~')
                abort(); // hostile bytes must not reach the console
        return;
    }
    if (im.virt_kend > policy.hypervisor_virt_start || im.virt_kstart >= im.virt_kend ||
        im.virt_entry < im.virt_kstart || im.virt_entry >= im.virt_kend ||
        im.pae == Pae_mode::no || im.segment_count == 0 ||
        im.segment_count > Elf_image::max_segments)
        abort();
    if (im.has_hypercall_page &&
        (im.virt_hypercall < im.virt_kstart || im.virt_hypercall % 4096 != 0))
        abort();
    Checking_sink sink;
    sink.im = &im;
    sink.data = data;
    sink.size = size;
    load_segments(im, sink);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Elf_policy dom0;
    run(data, size, dom0);
    Elf_policy domu;
    domu.dom0 = false;
    domu.features_offered = ~0u;
    run(data, size, domu);
    return 0;
}

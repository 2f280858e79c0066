#include "arch/x86_32/dev/vga.hpp"

#include <cstdint>

#include "arch/x86_32/cpu/io.hpp"
#include "arch/x86_32/mm/paging.hpp"

namespace arch {
namespace {

constexpr unsigned cols = 80, rows = 25;
constexpr uint16_t attr = 0x0700; // light grey on black
uint16_t* screen;
unsigned row, col;

void scroll()
{
    for (unsigned i = 0; i < (rows - 1) * cols; ++i)
        screen[i] = screen[i + cols];
    for (unsigned i = (rows - 1) * cols; i < rows * cols; ++i)
        screen[i] = attr | ' ';
    row = rows - 1;
}

void move_cursor()
{
    uint16_t pos = static_cast<uint16_t>(row * cols + col);
    outb(0x3D4, 0x0F);
    outb(0x3D5, static_cast<uint8_t>(pos));
    outb(0x3D4, 0x0E);
    outb(0x3D5, static_cast<uint8_t>(pos >> 8));
}

} // namespace

void vga_init()
{
    screen = phys_to_virt<uint16_t>(0xB8000);
    for (unsigned i = 0; i < rows * cols; ++i)
        screen[i] = attr | ' ';
    row = col = 0;
    move_cursor();
}

void vga_write(const char* s, size_t n)
{
    if (!screen)
        return;
    for (size_t i = 0; i < n; ++i) {
        char c = s[i];
        if (c == '\n') {
            col = 0;
            ++row;
        } else if (c == '\r') {
            col = 0;
        } else {
            screen[row * cols + col] = static_cast<uint16_t>(attr | static_cast<uint8_t>(c));
            if (++col == cols) {
                col = 0;
                ++row;
            }
        }
        if (row == rows)
            scroll();
    }
    move_cursor();
}

} // namespace arch

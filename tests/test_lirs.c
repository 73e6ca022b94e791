#include "drv.h"
int main(void) { return 0; }

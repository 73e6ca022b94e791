# tests/bad/cases.sh - the bad-input corpus, run by tests/bad/run.sh (ctest: bad_inputs).
# One line a case: bad NAME STATUS MESSAGE INPUT ARGS... (see run.sh). Every case is bad
# input or bad usage, exit 2; the message is checked as a fixed string and names where the
# fault is: FILE:LINE: in text formats, FILE: record N: in binary traces, the config file, the
# option or the setting otherwise. Results go to @OUT, which must not exist afterwards.

# ---- pagesim text ----
bad text_kind          2 "@IN:1:" 'Q 0x1000\n'                         run -q --format text -o @OUT @IN
bad text_kind_late     2 "@IN:3:" 'R 0x1000\nW 0x2000\nZ 0x3000\n'     run -q --format text -o @OUT @IN
bad text_addr_hex      2 "@IN:1:" 'R 0xzz\n'                           run -q --format text -o @OUT @IN
bad text_addr_empty    2 "@IN:1:" 'R\n'                                run -q --format text -o @OUT @IN
bad text_addr_over     2 "@IN:1:" 'R 0x10000000000000000\n'            run -q --format text -o @OUT @IN
bad text_addr_dec_over 2 "@IN:1:" 'R 18446744073709551616\n'           run -q --format text -o @OUT @IN
bad text_size_zero     2 "@IN:1:" 'R 0x1000:0\n'                       run -q --format text -o @OUT @IN
bad text_size_word     2 "@IN:1:" 'R 0x1000:abc\n'                     run -q --format text -o @OUT @IN
bad text_size_over     2 "@IN:1:" 'R 0x1000:4294967296\n'              run -q --format text -o @OUT @IN
bad text_pid_word      2 "@IN:1:" 'R 0x1000 abc\n'                     run -q --format text -o @OUT @IN
bad text_pid_over      2 "@IN:1:" 'R 0x1000 4294967296\n'              run -q --format text -o @OUT @IN
bad text_pid_neg       2 "@IN:1:" 'R 0x1000 -1\n'                      run -q --format text -o @OUT @IN
bad text_trailing      2 "@IN:2:" 'R 0x1000 1\nR 0x1000 1 extra\n'     run -q --format text -o @OUT @IN
bad text_mmap_short    2 "@IN:1:" 'mmap 1 0x1000\n'                    run -q --format text -o @OUT @IN
bad text_mmap_prot     2 "@IN:1:" 'mmap 1 0x1000 0x1000 rwz anon private\n' run -q --format text -o @OUT @IN
bad text_mmap_backing  2 "@IN:1:" 'mmap 1 0x1000 0x1000 rw- disk private\n' run -q --format text -o @OUT @IN
bad text_mmap_sharing  2 "@IN:1:" 'mmap 1 0x1000 0x1000 rw- anon public\n' run -q --format text -o @OUT @IN
bad text_mmap_noname   2 "@IN:1:" 'mmap 1 0x1000 0x1000 r-- file: private\n' run -q --format text -o @OUT @IN
bad text_mmap_len      2 "@IN:1:" 'mmap 1 0x1000 zz rw- anon private\n' run -q --format text -o @OUT @IN
bad text_munmap_short  2 "@IN:1:" 'munmap 1 0x1000\n'                  run -q --format text -o @OUT @IN
bad text_mprotect_prot 2 "@IN:1:" 'mprotect 1 0x1000 0x1000 q\n'       run -q --format text -o @OUT @IN
bad text_brk_short     2 "@IN:1:" 'brk 1\n'                            run -q --format text -o @OUT @IN
bad text_fork_short    2 "@IN:1:" 'fork 1\n'                           run -q --format text -o @OUT @IN
bad text_fork_word     2 "@IN:1:" 'fork 1 two\n'                       run -q --format text -o @OUT @IN
bad text_exec_short    2 "@IN:1:" 'exec 1\n'                           run -q --format text -o @OUT @IN
bad text_exit_word     2 "@IN:1:" 'exit one\n'                         run -q --format text -o @OUT @IN
bad text_wait_word     2 "@IN:1:" 'wait 1 x\n'                         run -q --format text -o @OUT @IN
bad text_after_exit    2 "@IN:3:" 'R 0x1000 1\nexit 1\nR 0x1000 1\n'   run -q --format text -o @OUT @IN
bad text_fork_live     2 "@IN:3:" 'R 0x1000 1\nfork 1 2\nfork 1 2\n'   run -q --format text -o @OUT @IN
bad text_wait_nochild  2 "@IN:2:" 'R 0x1000 1\nwait 1 2\n'             run -q --format text -o @OUT @IN
bad text_wait_twice    2 "@IN:4:" 'fork 1 2\nexit 2\nwait 1 2\nwait 1 2\n' run -q --format text -o @OUT @IN
bad text_wait_rr       2 "@IN:2:" 'R 0x1000 1\nwait 1 2\n'             run -q --format text --schedule rr -o @OUT @IN
bad text_bad_gz        2 "@IN"    '\037\213\010\000\000\000\000\000\000\003garbage'  run -q -o @OUT @IN
bad text_cut_zst       2 "@IN"    '\050\265\057\375\044\000'            run -q -o @OUT @IN
bad text_convert       2 "@IN:2:" 'R 0x1000\nQ 0x2000\n'               convert -q --format text --to binary @IN @OUT
bad text_convert_text  2 "@IN:1:" 'W 0x1000:\n'                        convert -q --format text --to text @IN @OUT
bad text_info          2 "@IN:2:" 'R 0x1000\nR 0x\n'                   info --format text @IN
bad text_mrc           2 "@IN:1:" 'R 0x1000 x\n'                       mrc -p lru --format text -o @OUT @IN
bad text_opt           2 "@IN:2:" 'R 0x1000\nR zz\n'                   run -q -p opt --format text -o @OUT @IN

# ---- lackey ----
bad lackey_addr        2 "@IN:1:" 'I  zz,4\n'                          run -q --format lackey -o @OUT @IN
bad lackey_nosize      2 "@IN:2:" 'I  04000000,4\n L 04000000\n'       run -q --format lackey -o @OUT @IN
bad lackey_size_zero   2 "@IN:1:" ' S 04000000,0\n'                    run -q --format lackey -o @OUT @IN
bad lackey_size_word   2 "@IN:1:" ' M 04000000,x\n'                    run -q --format lackey -o @OUT @IN
bad lackey_addr_over   2 "@IN:1:" ' L 1ffffffffffffffff,4\n'           run -q --format lackey -o @OUT @IN

# ---- pages ----
bad pages_word         2 "@IN:2:" '1\nabc\n'                           run -q --format pages -o @OUT @IN
bad pages_neg          2 "@IN:1:" '-1\n'                               run -q --format pages -o @OUT @IN
bad pages_over         2 "@IN:1:" '18446744073709551616\n'             run -q --format pages -o @OUT @IN
bad pages_hex_empty    2 "@IN:1:" '0x\n'                               run -q --format pages -o @OUT @IN
bad pages_two          2 "@IN:1:" '1 2\n'                              run -q --format pages -o @OUT @IN

# ---- din ----
bad din_label          2 "@IN:1:" '9 1000\n'                           run -q --format din -o @OUT @IN
bad din_addr           2 "@IN:1:" '0 zz\n'                             run -q --format din -o @OUT @IN
bad din_noaddr         2 "@IN:2:" '0 1000\n1\n'                        run -q --format din -o @OUT @IN
bad din_over           2 "@IN:1:" '0 10000000000000000\n'              run -q --format din -o @OUT @IN

# ---- pin ----
bad pin_op             2 "@IN:1:" '0x1: Q 0x1000\n'                    run -q --format pin -o @OUT @IN
bad pin_addr           2 "@IN:1:" '0x1: R zz\n'                        run -q --format pin -o @OUT @IN
bad pin_garbage        2 "@IN:2:" '0x1: R 0x1000\ngarbage\n'           run -q --format pin -o @OUT @IN
bad pin_noaddr         2 "@IN:1:" '0x1: R\n'                           run -q --format pin -o @OUT @IN

# ---- lis ----
bad lis_word           2 "@IN:1:" 'a b\n'                              run -q --format lis -o @OUT @IN
bad lis_count_word     2 "@IN:2:" '1 2\n1 x\n'                         run -q --format lis -o @OUT @IN
bad lis_neg            2 "@IN:1:" '-5 2\n'                             run -q --format lis -o @OUT @IN
bad lis_over           2 "@IN:1:" '18446744073709551616 1\n'           run -q --format lis -o @OUT @IN

# ---- oracle (24-byte records) ----
bad oracle_cut         2 "@IN"    '\001\000\000\000\001\000\000\000\000\000\000\000\001\000'  run -q --format oracle -o @OUT @IN

# ---- pagesim binary (PSTB): errors name the record ----
bad bin_magic          2 "not a pagesim binary trace" 'PSTX\004\000\000\000'     run -q --format binary -o @OUT @IN
bad bin_header_cut     2 "truncated binary trace header" 'PSTB\004'              run -q --format binary -o @OUT @IN
bad bin_version        2 "version 9 is not supported" 'PSTB\011\000\000\000\000\000' run -q --format binary -o @OUT @IN
bad bin_version0       2 "version 0 is not supported" 'PSTB\000\000\000\000\000\000' run -q --format binary -o @OUT @IN
bad bin_flags          2 "unknown flags" 'PSTB\004\001\000\000\000\000'          run -q --format binary -o @OUT @IN
bad bin_no_end         2 "@IN: record 1: truncated binary trace (no end record" 'PSTB\004\000\000\000' run -q --format binary -o @OUT @IN
bad bin_end_count      2 "@IN: record 1: corrupt binary trace: end record counts 5" 'PSTB\004\000\000\000\000\005' run -q --format binary -o @OUT @IN
bad bin_after_end      2 "@IN: record 1: corrupt binary trace: data after the end" 'PSTB\004\000\000\000\000\000PSTB' run -q --format binary -o @OUT @IN
bad bin_chunk_cut      2 "@IN: record 1: truncated binary trace" 'PSTB\004\000\000\000\002\002\000\261' run -q --format binary -o @OUT @IN
# the format comment's first example with the chunk's checksum damaged, then its tag column
bad bin_crc            2 "@IN: record 1: corrupt binary trace: chunk checksum mismatch" 'PSTB\004\000\000\000\002\002\000\261\001\002\000\000\002\001\000\004\000\000\002\000\007\010\000\000\000\000\000\000\046\302\307\065\000\002' run -q --format binary -o @OUT @IN
bad bin_crc_data       2 "@IN: record 1: corrupt binary trace: chunk checksum mismatch" 'PSTB\004\000\000\000\002\002\000\261\003\002\000\000\002\001\000\004\000\000\002\000\007\010\000\000\000\000\000\000\046\302\307\064\000\002' run -q --format binary -o @OUT @IN
bad bin_crc_lru        2 "@IN: record 1: corrupt binary trace: chunk checksum mismatch" 'PSTB\004\000\000\000\002\002\000\261\003\002\000\000\002\001\000\004\000\000\002\000\007\010\000\000\000\000\000\000\046\302\307\064\000\002' info @IN
# version 3 (no checksum): the damage is found by decoding, at the record it hits
bad bin_v3_tags        2 "@IN: record 1: corrupt binary trace: delta columns do not match" 'PSTB\003\000\000\000\002\002\000\321\001\002\000\000\002\001\000\004\000\000\002\000\007\010\000\000\000\000\000\000\000\002' run -q --format binary -o @OUT @IN
bad bin_v3_type        2 "@IN: record 2: corrupt binary trace: unknown record type" 'PSTB\003\000\000\000\002\002\000\227\177\000\000\000\000\000\000\002\000\007\010\000\000\000\000\000\000\000\002' run -q --format binary -o @OUT @IN
bad bin_v3_run         2 "@IN: record 3: corrupt binary trace: a run's records do not match its summary" 'PSTB\003\000\000\000\003\003\000\262\060\043\002\000\000\000\002\000\020\004\000\000\015\000\007\004\010\010\002\010\004\002\003\003\001\010\002\010\000\102\104\002\005\004\004\002\004\010\000\010\020\010\020\010\020\010\020\002\000\004\010\000\012' run -q --format binary -p lru -o @OUT @IN
bad bin_v3_run_fifo    2 "@IN: record 3: corrupt binary trace: a run's records do not match its summary" 'PSTB\003\000\000\000\003\003\000\262\060\043\002\000\000\000\002\000\020\004\000\000\015\000\007\004\010\010\002\010\004\002\003\003\001\010\002\010\000\102\104\002\005\004\004\002\004\010\000\010\020\010\020\010\020\010\020\002\000\004\010\000\012' run -q --format binary -p fifo -o @OUT @IN
bad bin_v2_wait        2 "@IN: record 3: corrupt binary trace: a wait in a version 2 trace" 'PSTB\002\000\000\000\004\004\000\227\237\247\047\000\000\000\000\000\000\006\000\007\010\010\007\010\000\000\000\000\000\000\000\000\004' run -q --format binary -o @OUT @IN
bad bin_v1_run         2 "@IN: record 1: corrupt binary trace: a run in a version 1 trace" 'PSTB\001\000\000\000\001\001\000\243\000\000\000\000\000\000\001\000\007\000\001' run -q --format binary -o @OUT @IN
bad bin_convert        2 "@IN: record 1: truncated binary trace" 'PSTB\004\000\000\000\002' convert -q --to text @IN @OUT
bad bin_mrc            2 "@IN: record 1: truncated binary trace" 'PSTB\004\000\000\000\002' mrc -p lru -o @OUT @IN

# ---- synthetic workloads ----
bad synth_json         2 "@IN:2:" '{"processes": [\n'                  run -q --workload @IN -o @OUT
bad synth_key          2 "@IN: spec" '{"procs": []}\n'                    run -q --workload @IN -o @OUT
bad synth_empty        2 "@IN" '{"processes": []}\n'                run -q --workload @IN -o @OUT
bad synth_pattern      2 "@IN: processes[0].phases[0]" '{"processes": [{"pid": 1, "phases": [{"pattern": "spiral", "pages": 4, "references": 10}]}]}\n' run -q --workload @IN -o @OUT
bad synth_neg_pages    2 "@IN: processes[0].phases[0]" '{"processes": [{"pid": 1, "phases": [{"pattern": "uniform", "pages": -4, "references": 10}]}]}\n' run -q --workload @IN -o @OUT
bad synth_write_frac   2 "@IN: processes[0].phases[0]" '{"processes": [{"pid": 1, "phases": [{"pattern": "uniform", "pages": 4, "references": 10, "write_fraction": 2}]}]}\n' run -q --workload @IN -o @OUT
bad synth_missing      2 "nosuch.json" ''                           run -q --workload nosuch.json -o @OUT

# ---- config files (-c) ----
bad cfg_json           2 "@IN:2:" '{"frames": 16,\n'                   run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_not_object     2 "@IN" '[1, 2]\n'                           run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_unknown        2 "framez" '{"framez": 16}\n'                run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_unknown_nested 2 "wlak" '{"costs": {"wlak": "1ns"}}\n'      run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_type           2 "frames" '{"frames": "many"}\n'            run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_frames_zero    2 "frames" '{"frames": 0}\n'                 run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_frames_neg     2 "frames" '{"frames": -3}\n'                run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_policy         2 "nosuch" '{"policy": "nosuch"}\n'          run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_policy_param   2 "bogus" '{"policy": "clock:bogus=1"}\n'    run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_cow            2 "nosuch" '{"cow": "nosuch"}\n'             run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_device         2 "tape" '{"swap_dev": "tape"}\n'            run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_device_param   2 "q" '{"file_dev": "ssd:q=1"}\n'            run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_cost_unit      2 "walk" '{"costs": {"walk": "3 parsecs"}}\n' run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_tlb_ways       2 "TLB" '{"tlb": {"entries": 12, "ways": 5}}\n' run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_page_size      2 "page_size" '{"page_size": 1000}\n'        run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_schedule       2 "schedule" '{"schedule": "lottery"}\n'     run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_ref_bit        2 "ref_bit" '{"ref_bit": "sometimes"}\n'     run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_opt_rr         2 "opt" '{"policy": "opt", "schedule": "rr"}\n' run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_quantum        2 "quantum" '{"quantum": "soon"}\n'          run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_memory         2 "memory" '{"memory": "1Q"}\n'              run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_reclaim        2 "reclaim" '{"reclaim": {"low": 8, "high": 2}}\n' run -q -c @IN -o @OUT @DATA/eng_tiny.txt
bad cfg_missing        2 "nosuch.json" ''                           run -q -c nosuch.json -o @OUT @DATA/eng_tiny.txt

# ---- the command line ----
bad cli_unknown_opt    2 "--bogus" ''                               run -q --bogus -o @OUT @DATA/eng_tiny.txt
bad cli_f_missing      2 "frames" '' run -q -o @OUT @DATA/eng_tiny.txt -f
bad cli_f_word         2 "frames" ''                                run -q -f abc -o @OUT @DATA/eng_tiny.txt
bad cli_f_zero         2 "frames" ''                                run -q -f 0 -o @OUT @DATA/eng_tiny.txt
bad cli_policy         2 "nosuch" ''                                run -q -p nosuch -o @OUT @DATA/eng_tiny.txt
bad cli_policy_param   2 "x" ''                                     run -q -p lru:x=1 -o @OUT @DATA/eng_tiny.txt
bad cli_policy_noeq    2 "lru:x" ''                                 run -q -p lru:x -o @OUT @DATA/eng_tiny.txt
bad cli_cow            2 "nosuch" ''                                run -q --cow nosuch -o @OUT @DATA/eng_tiny.txt
bad cli_swap_dev       2 "tape" ''                                  run -q --swap-dev tape -o @OUT @DATA/eng_tiny.txt
bad cli_quantum        2 "quantum" ''                               run -q --quantum 5parsecs -o @OUT @DATA/eng_tiny.txt
bad cli_tlb            2 "TLB" ''                                   run -q --tlb 3:2 -o @OUT @DATA/eng_tiny.txt
bad cli_page_size      2 "page_size" ''                             run -q --page-size 1000 -o @OUT @DATA/eng_tiny.txt
bad cli_schedule       2 "schedule" ''                              run -q --schedule nope -o @OUT @DATA/eng_tiny.txt
bad cli_set_key        2 "nokey" ''                                 run -q --set nokey=1 -o @OUT @DATA/eng_tiny.txt
bad cli_set_value      2 "frames" ''                                run -q --set frames=abc -o @OUT @DATA/eng_tiny.txt
bad cli_set_noeq       2 "frames" ''                                run -q --set frames -o @OUT @DATA/eng_tiny.txt
bad cli_memory         2 "memory" ''                                run -q -m 1Q -o @OUT @DATA/eng_tiny.txt
bad cli_format         2 "nosuch" ''                                run -q --format nosuch -o @OUT @DATA/eng_tiny.txt
bad cli_no_trace       2 "needs a trace" '' run -q -o @OUT
bad cli_trace_missing  2 "nosuch.txt" ''                            run -q -o @OUT nosuch.txt
bad cli_opt_rr         2 "opt" ''                                   run -q -p opt --schedule rr -o @OUT @DATA/eng_tiny.txt
bad cli_seed           2 "seed" ''                                  run -q -s x -o @OUT @DATA/eng_tiny.txt
bad cli_interval       2 "interval" ''                              run -q --interval -1 -o @OUT @DATA/eng_tiny.txt
bad cli_cpus           2 "cpus" ''                                  run -q --cpus 0 --schedule rr -o @OUT @DATA/eng_tiny.txt
bad cli_ref_bit        2 "ref_bit" ''                               run -q --ref-bit never -o @OUT @DATA/eng_tiny.txt
bad convert_no_to      2 "--to" ''                                  convert @DATA/eng_tiny.txt @OUT
bad convert_to_pdf     2 "pdf" ''                                   convert --to pdf @DATA/eng_tiny.txt @OUT
bad convert_no_out     2 "IN and OUT" '' convert --to text @DATA/eng_tiny.txt
bad convert_missing    2 "nosuch.txt" ''                            convert --to text nosuch.txt @OUT
bad info_missing       2 "nosuch.txt" ''                            info nosuch.txt
bad info_page_size     2 "3000" ''                                  info --page-size 3000 @DATA/eng_tiny.txt
bad mrc_policy         2 "lfu" ''                                   mrc -p lfu -o @OUT @DATA/eng_tiny.txt
bad mrc_sample         2 "sample" ''                                mrc -p lru --sample 2 -o @OUT @DATA/eng_tiny.txt
bad sweep_frames       2 "16:8:x0" '' sweep -p lru -f 16:8:x0 -o @OUT @DATA/eng_tiny.txt
bad sweep_seeds        2 "--seeds" ''                               sweep -p lru -f 16 --seeds 0 -o @OUT @DATA/eng_tiny.txt
bad command_unknown    2 "frobnicate" ''                            frobnicate
bad record_output      2 "x.pdf" ''                                 record -o x.pdf -- true

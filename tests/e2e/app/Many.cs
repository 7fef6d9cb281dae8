// SPDX-License-Identifier: MIT
// Generated: 1000 small methods for the sample profiler's concurrency test.
// Regenerate with:
//   for i in $(seq -w 0 999); do echo "    public static int M$i() => $((10#$i));"; done
// (and the same names in All). Each Mnnn returns nnn as compiled; the profiler
// rewrites every one to return 1000000 + nnn.
using System;

namespace IlHeapE2E;

public static class Many
{
    public static int M000() => 0;
    public static int M001() => 1;
    public static int M002() => 2;
    public static int M003() => 3;
    public static int M004() => 4;
    public static int M005() => 5;
    public static int M006() => 6;
    public static int M007() => 7;
    public static int M008() => 8;
    public static int M009() => 9;
    public static int M010() => 10;
    public static int M011() => 11;
    public static int M012() => 12;
    public static int M013() => 13;
    public static int M014() => 14;
    public static int M015() => 15;
    public static int M016() => 16;
    public static int M017() => 17;
    public static int M018() => 18;
    public static int M019() => 19;
    public static int M020() => 20;
    public static int M021() => 21;
    public static int M022() => 22;
    public static int M023() => 23;
    public static int M024() => 24;
    public static int M025() => 25;
    public static int M026() => 26;
    public static int M027() => 27;
    public static int M028() => 28;
    public static int M029() => 29;
    public static int M030() => 30;
    public static int M031() => 31;
    public static int M032() => 32;
    public static int M033() => 33;
    public static int M034() => 34;
    public static int M035() => 35;
    public static int M036() => 36;
    public static int M037() => 37;
    public static int M038() => 38;
    public static int M039() => 39;
    public static int M040() => 40;
    public static int M041() => 41;
    public static int M042() => 42;
    public static int M043() => 43;
    public static int M044() => 44;
    public static int M045() => 45;
    public static int M046() => 46;
    public static int M047() => 47;
    public static int M048() => 48;
    public static int M049() => 49;
    public static int M050() => 50;
    public static int M051() => 51;
    public static int M052() => 52;
    public static int M053() => 53;
    public static int M054() => 54;
    public static int M055() => 55;
    public static int M056() => 56;
    public static int M057() => 57;
    public static int M058() => 58;
    public static int M059() => 59;
    public static int M060() => 60;
    public static int M061() => 61;
    public static int M062() => 62;
    public static int M063() => 63;
    public static int M064() => 64;
    public static int M065() => 65;
    public static int M066() => 66;
    public static int M067() => 67;
    public static int M068() => 68;
    public static int M069() => 69;
    public static int M070() => 70;
    public static int M071() => 71;
    public static int M072() => 72;
    public static int M073() => 73;
    public static int M074() => 74;
    public static int M075() => 75;
    public static int M076() => 76;
    public static int M077() => 77;
    public static int M078() => 78;
    public static int M079() => 79;
    public static int M080() => 80;
    public static int M081() => 81;
    public static int M082() => 82;
    public static int M083() => 83;
    public static int M084() => 84;
    public static int M085() => 85;
    public static int M086() => 86;
    public static int M087() => 87;
    public static int M088() => 88;
    public static int M089() => 89;
    public static int M090() => 90;
    public static int M091() => 91;
    public static int M092() => 92;
    public static int M093() => 93;
    public static int M094() => 94;
    public static int M095() => 95;
    public static int M096() => 96;
    public static int M097() => 97;
    public static int M098() => 98;
    public static int M099() => 99;
    public static int M100() => 100;
    public static int M101() => 101;
    public static int M102() => 102;
    public static int M103() => 103;
    public static int M104() => 104;
    public static int M105() => 105;
    public static int M106() => 106;
    public static int M107() => 107;
    public static int M108() => 108;
    public static int M109() => 109;
    public static int M110() => 110;
    public static int M111() => 111;
    public static int M112() => 112;
    public static int M113() => 113;
    public static int M114() => 114;
    public static int M115() => 115;
    public static int M116() => 116;
    public static int M117() => 117;
    public static int M118() => 118;
    public static int M119() => 119;
    public static int M120() => 120;
    public static int M121() => 121;
    public static int M122() => 122;
    public static int M123() => 123;
    public static int M124() => 124;
    public static int M125() => 125;
    public static int M126() => 126;
    public static int M127() => 127;
    public static int M128() => 128;
    public static int M129() => 129;
    public static int M130() => 130;
    public static int M131() => 131;
    public static int M132() => 132;
    public static int M133() => 133;
    public static int M134() => 134;
    public static int M135() => 135;
    public static int M136() => 136;
    public static int M137() => 137;
    public static int M138() => 138;
    public static int M139() => 139;
    public static int M140() => 140;
    public static int M141() => 141;
    public static int M142() => 142;
    public static int M143() => 143;
    public static int M144() => 144;
    public static int M145() => 145;
    public static int M146() => 146;
    public static int M147() => 147;
    public static int M148() => 148;
    public static int M149() => 149;
    public static int M150() => 150;
    public static int M151() => 151;
    public static int M152() => 152;
    public static int M153() => 153;
    public static int M154() => 154;
    public static int M155() => 155;
    public static int M156() => 156;
    public static int M157() => 157;
    public static int M158() => 158;
    public static int M159() => 159;
    public static int M160() => 160;
    public static int M161() => 161;
    public static int M162() => 162;
    public static int M163() => 163;
    public static int M164() => 164;
    public static int M165() => 165;
    public static int M166() => 166;
    public static int M167() => 167;
    public static int M168() => 168;
    public static int M169() => 169;
    public static int M170() => 170;
    public static int M171() => 171;
    public static int M172() => 172;
    public static int M173() => 173;
    public static int M174() => 174;
    public static int M175() => 175;
    public static int M176() => 176;
    public static int M177() => 177;
    public static int M178() => 178;
    public static int M179() => 179;
    public static int M180() => 180;
    public static int M181() => 181;
    public static int M182() => 182;
    public static int M183() => 183;
    public static int M184() => 184;
    public static int M185() => 185;
    public static int M186() => 186;
    public static int M187() => 187;
    public static int M188() => 188;
    public static int M189() => 189;
    public static int M190() => 190;
    public static int M191() => 191;
    public static int M192() => 192;
    public static int M193() => 193;
    public static int M194() => 194;
    public static int M195() => 195;
    public static int M196() => 196;
    public static int M197() => 197;
    public static int M198() => 198;
    public static int M199() => 199;
    public static int M200() => 200;
    public static int M201() => 201;
    public static int M202() => 202;
    public static int M203() => 203;
    public static int M204() => 204;
    public static int M205() => 205;
    public static int M206() => 206;
    public static int M207() => 207;
    public static int M208() => 208;
    public static int M209() => 209;
    public static int M210() => 210;
    public static int M211() => 211;
    public static int M212() => 212;
    public static int M213() => 213;
    public static int M214() => 214;
    public static int M215() => 215;
    public static int M216() => 216;
    public static int M217() => 217;
    public static int M218() => 218;
    public static int M219() => 219;
    public static int M220() => 220;
    public static int M221() => 221;
    public static int M222() => 222;
    public static int M223() => 223;
    public static int M224() => 224;
    public static int M225() => 225;
    public static int M226() => 226;
    public static int M227() => 227;
    public static int M228() => 228;
    public static int M229() => 229;
    public static int M230() => 230;
    public static int M231() => 231;
    public static int M232() => 232;
    public static int M233() => 233;
    public static int M234() => 234;
    public static int M235() => 235;
    public static int M236() => 236;
    public static int M237() => 237;
    public static int M238() => 238;
    public static int M239() => 239;
    public static int M240() => 240;
    public static int M241() => 241;
    public static int M242() => 242;
    public static int M243() => 243;
    public static int M244() => 244;
    public static int M245() => 245;
    public static int M246() => 246;
    public static int M247() => 247;
    public static int M248() => 248;
    public static int M249() => 249;
    public static int M250() => 250;
    public static int M251() => 251;
    public static int M252() => 252;
    public static int M253() => 253;
    public static int M254() => 254;
    public static int M255() => 255;
    public static int M256() => 256;
    public static int M257() => 257;
    public static int M258() => 258;
    public static int M259() => 259;
    public static int M260() => 260;
    public static int M261() => 261;
    public static int M262() => 262;
    public static int M263() => 263;
    public static int M264() => 264;
    public static int M265() => 265;
    public static int M266() => 266;
    public static int M267() => 267;
    public static int M268() => 268;
    public static int M269() => 269;
    public static int M270() => 270;
    public static int M271() => 271;
    public static int M272() => 272;
    public static int M273() => 273;
    public static int M274() => 274;
    public static int M275() => 275;
    public static int M276() => 276;
    public static int M277() => 277;
    public static int M278() => 278;
    public static int M279() => 279;
    public static int M280() => 280;
    public static int M281() => 281;
    public static int M282() => 282;
    public static int M283() => 283;
    public static int M284() => 284;
    public static int M285() => 285;
    public static int M286() => 286;
    public static int M287() => 287;
    public static int M288() => 288;
    public static int M289() => 289;
    public static int M290() => 290;
    public static int M291() => 291;
    public static int M292() => 292;
    public static int M293() => 293;
    public static int M294() => 294;
    public static int M295() => 295;
    public static int M296() => 296;
    public static int M297() => 297;
    public static int M298() => 298;
    public static int M299() => 299;
    public static int M300() => 300;
    public static int M301() => 301;
    public static int M302() => 302;
    public static int M303() => 303;
    public static int M304() => 304;
    public static int M305() => 305;
    public static int M306() => 306;
    public static int M307() => 307;
    public static int M308() => 308;
    public static int M309() => 309;
    public static int M310() => 310;
    public static int M311() => 311;
    public static int M312() => 312;
    public static int M313() => 313;
    public static int M314() => 314;
    public static int M315() => 315;
    public static int M316() => 316;
    public static int M317() => 317;
    public static int M318() => 318;
    public static int M319() => 319;
    public static int M320() => 320;
    public static int M321() => 321;
    public static int M322() => 322;
    public static int M323() => 323;
    public static int M324() => 324;
    public static int M325() => 325;
    public static int M326() => 326;
    public static int M327() => 327;
    public static int M328() => 328;
    public static int M329() => 329;
    public static int M330() => 330;
    public static int M331() => 331;
    public static int M332() => 332;
    public static int M333() => 333;
    public static int M334() => 334;
    public static int M335() => 335;
    public static int M336() => 336;
    public static int M337() => 337;
    public static int M338() => 338;
    public static int M339() => 339;
    public static int M340() => 340;
    public static int M341() => 341;
    public static int M342() => 342;
    public static int M343() => 343;
    public static int M344() => 344;
    public static int M345() => 345;
    public static int M346() => 346;
    public static int M347() => 347;
    public static int M348() => 348;
    public static int M349() => 349;
    public static int M350() => 350;
    public static int M351() => 351;
    public static int M352() => 352;
    public static int M353() => 353;
    public static int M354() => 354;
    public static int M355() => 355;
    public static int M356() => 356;
    public static int M357() => 357;
    public static int M358() => 358;
    public static int M359() => 359;
    public static int M360() => 360;
    public static int M361() => 361;
    public static int M362() => 362;
    public static int M363() => 363;
    public static int M364() => 364;
    public static int M365() => 365;
    public static int M366() => 366;
    public static int M367() => 367;
    public static int M368() => 368;
    public static int M369() => 369;
    public static int M370() => 370;
    public static int M371() => 371;
    public static int M372() => 372;
    public static int M373() => 373;
    public static int M374() => 374;
    public static int M375() => 375;
    public static int M376() => 376;
    public static int M377() => 377;
    public static int M378() => 378;
    public static int M379() => 379;
    public static int M380() => 380;
    public static int M381() => 381;
    public static int M382() => 382;
    public static int M383() => 383;
    public static int M384() => 384;
    public static int M385() => 385;
    public static int M386() => 386;
    public static int M387() => 387;
    public static int M388() => 388;
    public static int M389() => 389;
    public static int M390() => 390;
    public static int M391() => 391;
    public static int M392() => 392;
    public static int M393() => 393;
    public static int M394() => 394;
    public static int M395() => 395;
    public static int M396() => 396;
    public static int M397() => 397;
    public static int M398() => 398;
    public static int M399() => 399;
    public static int M400() => 400;
    public static int M401() => 401;
    public static int M402() => 402;
    public static int M403() => 403;
    public static int M404() => 404;
    public static int M405() => 405;
    public static int M406() => 406;
    public static int M407() => 407;
    public static int M408() => 408;
    public static int M409() => 409;
    public static int M410() => 410;
    public static int M411() => 411;
    public static int M412() => 412;
    public static int M413() => 413;
    public static int M414() => 414;
    public static int M415() => 415;
    public static int M416() => 416;
    public static int M417() => 417;
    public static int M418() => 418;
    public static int M419() => 419;
    public static int M420() => 420;
    public static int M421() => 421;
    public static int M422() => 422;
    public static int M423() => 423;
    public static int M424() => 424;
    public static int M425() => 425;
    public static int M426() => 426;
    public static int M427() => 427;
    public static int M428() => 428;
    public static int M429() => 429;
    public static int M430() => 430;
    public static int M431() => 431;
    public static int M432() => 432;
    public static int M433() => 433;
    public static int M434() => 434;
    public static int M435() => 435;
    public static int M436() => 436;
    public static int M437() => 437;
    public static int M438() => 438;
    public static int M439() => 439;
    public static int M440() => 440;
    public static int M441() => 441;
    public static int M442() => 442;
    public static int M443() => 443;
    public static int M444() => 444;
    public static int M445() => 445;
    public static int M446() => 446;
    public static int M447() => 447;
    public static int M448() => 448;
    public static int M449() => 449;
    public static int M450() => 450;
    public static int M451() => 451;
    public static int M452() => 452;
    public static int M453() => 453;
    public static int M454() => 454;
    public static int M455() => 455;
    public static int M456() => 456;
    public static int M457() => 457;
    public static int M458() => 458;
    public static int M459() => 459;
    public static int M460() => 460;
    public static int M461() => 461;
    public static int M462() => 462;
    public static int M463() => 463;
    public static int M464() => 464;
    public static int M465() => 465;
    public static int M466() => 466;
    public static int M467() => 467;
    public static int M468() => 468;
    public static int M469() => 469;
    public static int M470() => 470;
    public static int M471() => 471;
    public static int M472() => 472;
    public static int M473() => 473;
    public static int M474() => 474;
    public static int M475() => 475;
    public static int M476() => 476;
    public static int M477() => 477;
    public static int M478() => 478;
    public static int M479() => 479;
    public static int M480() => 480;
    public static int M481() => 481;
    public static int M482() => 482;
    public static int M483() => 483;
    public static int M484() => 484;
    public static int M485() => 485;
    public static int M486() => 486;
    public static int M487() => 487;
    public static int M488() => 488;
    public static int M489() => 489;
    public static int M490() => 490;
    public static int M491() => 491;
    public static int M492() => 492;
    public static int M493() => 493;
    public static int M494() => 494;
    public static int M495() => 495;
    public static int M496() => 496;
    public static int M497() => 497;
    public static int M498() => 498;
    public static int M499() => 499;
    public static int M500() => 500;
    public static int M501() => 501;
    public static int M502() => 502;
    public static int M503() => 503;
    public static int M504() => 504;
    public static int M505() => 505;
    public static int M506() => 506;
    public static int M507() => 507;
    public static int M508() => 508;
    public static int M509() => 509;
    public static int M510() => 510;
    public static int M511() => 511;
    public static int M512() => 512;
    public static int M513() => 513;
    public static int M514() => 514;
    public static int M515() => 515;
    public static int M516() => 516;
    public static int M517() => 517;
    public static int M518() => 518;
    public static int M519() => 519;
    public static int M520() => 520;
    public static int M521() => 521;
    public static int M522() => 522;
    public static int M523() => 523;
    public static int M524() => 524;
    public static int M525() => 525;
    public static int M526() => 526;
    public static int M527() => 527;
    public static int M528() => 528;
    public static int M529() => 529;
    public static int M530() => 530;
    public static int M531() => 531;
    public static int M532() => 532;
    public static int M533() => 533;
    public static int M534() => 534;
    public static int M535() => 535;
    public static int M536() => 536;
    public static int M537() => 537;
    public static int M538() => 538;
    public static int M539() => 539;
    public static int M540() => 540;
    public static int M541() => 541;
    public static int M542() => 542;
    public static int M543() => 543;
    public static int M544() => 544;
    public static int M545() => 545;
    public static int M546() => 546;
    public static int M547() => 547;
    public static int M548() => 548;
    public static int M549() => 549;
    public static int M550() => 550;
    public static int M551() => 551;
    public static int M552() => 552;
    public static int M553() => 553;
    public static int M554() => 554;
    public static int M555() => 555;
    public static int M556() => 556;
    public static int M557() => 557;
    public static int M558() => 558;
    public static int M559() => 559;
    public static int M560() => 560;
    public static int M561() => 561;
    public static int M562() => 562;
    public static int M563() => 563;
    public static int M564() => 564;
    public static int M565() => 565;
    public static int M566() => 566;
    public static int M567() => 567;
    public static int M568() => 568;
    public static int M569() => 569;
    public static int M570() => 570;
    public static int M571() => 571;
    public static int M572() => 572;
    public static int M573() => 573;
    public static int M574() => 574;
    public static int M575() => 575;
    public static int M576() => 576;
    public static int M577() => 577;
    public static int M578() => 578;
    public static int M579() => 579;
    public static int M580() => 580;
    public static int M581() => 581;
    public static int M582() => 582;
    public static int M583() => 583;
    public static int M584() => 584;
    public static int M585() => 585;
    public static int M586() => 586;
    public static int M587() => 587;
    public static int M588() => 588;
    public static int M589() => 589;
    public static int M590() => 590;
    public static int M591() => 591;
    public static int M592() => 592;
    public static int M593() => 593;
    public static int M594() => 594;
    public static int M595() => 595;
    public static int M596() => 596;
    public static int M597() => 597;
    public static int M598() => 598;
    public static int M599() => 599;
    public static int M600() => 600;
    public static int M601() => 601;
    public static int M602() => 602;
    public static int M603() => 603;
    public static int M604() => 604;
    public static int M605() => 605;
    public static int M606() => 606;
    public static int M607() => 607;
    public static int M608() => 608;
    public static int M609() => 609;
    public static int M610() => 610;
    public static int M611() => 611;
    public static int M612() => 612;
    public static int M613() => 613;
    public static int M614() => 614;
    public static int M615() => 615;
    public static int M616() => 616;
    public static int M617() => 617;
    public static int M618() => 618;
    public static int M619() => 619;
    public static int M620() => 620;
    public static int M621() => 621;
    public static int M622() => 622;
    public static int M623() => 623;
    public static int M624() => 624;
    public static int M625() => 625;
    public static int M626() => 626;
    public static int M627() => 627;
    public static int M628() => 628;
    public static int M629() => 629;
    public static int M630() => 630;
    public static int M631() => 631;
    public static int M632() => 632;
    public static int M633() => 633;
    public static int M634() => 634;
    public static int M635() => 635;
    public static int M636() => 636;
    public static int M637() => 637;
    public static int M638() => 638;
    public static int M639() => 639;
    public static int M640() => 640;
    public static int M641() => 641;
    public static int M642() => 642;
    public static int M643() => 643;
    public static int M644() => 644;
    public static int M645() => 645;
    public static int M646() => 646;
    public static int M647() => 647;
    public static int M648() => 648;
    public static int M649() => 649;
    public static int M650() => 650;
    public static int M651() => 651;
    public static int M652() => 652;
    public static int M653() => 653;
    public static int M654() => 654;
    public static int M655() => 655;
    public static int M656() => 656;
    public static int M657() => 657;
    public static int M658() => 658;
    public static int M659() => 659;
    public static int M660() => 660;
    public static int M661() => 661;
    public static int M662() => 662;
    public static int M663() => 663;
    public static int M664() => 664;
    public static int M665() => 665;
    public static int M666() => 666;
    public static int M667() => 667;
    public static int M668() => 668;
    public static int M669() => 669;
    public static int M670() => 670;
    public static int M671() => 671;
    public static int M672() => 672;
    public static int M673() => 673;
    public static int M674() => 674;
    public static int M675() => 675;
    public static int M676() => 676;
    public static int M677() => 677;
    public static int M678() => 678;
    public static int M679() => 679;
    public static int M680() => 680;
    public static int M681() => 681;
    public static int M682() => 682;
    public static int M683() => 683;
    public static int M684() => 684;
    public static int M685() => 685;
    public static int M686() => 686;
    public static int M687() => 687;
    public static int M688() => 688;
    public static int M689() => 689;
    public static int M690() => 690;
    public static int M691() => 691;
    public static int M692() => 692;
    public static int M693() => 693;
    public static int M694() => 694;
    public static int M695() => 695;
    public static int M696() => 696;
    public static int M697() => 697;
    public static int M698() => 698;
    public static int M699() => 699;
    public static int M700() => 700;
    public static int M701() => 701;
    public static int M702() => 702;
    public static int M703() => 703;
    public static int M704() => 704;
    public static int M705() => 705;
    public static int M706() => 706;
    public static int M707() => 707;
    public static int M708() => 708;
    public static int M709() => 709;
    public static int M710() => 710;
    public static int M711() => 711;
    public static int M712() => 712;
    public static int M713() => 713;
    public static int M714() => 714;
    public static int M715() => 715;
    public static int M716() => 716;
    public static int M717() => 717;
    public static int M718() => 718;
    public static int M719() => 719;
    public static int M720() => 720;
    public static int M721() => 721;
    public static int M722() => 722;
    public static int M723() => 723;
    public static int M724() => 724;
    public static int M725() => 725;
    public static int M726() => 726;
    public static int M727() => 727;
    public static int M728() => 728;
    public static int M729() => 729;
    public static int M730() => 730;
    public static int M731() => 731;
    public static int M732() => 732;
    public static int M733() => 733;
    public static int M734() => 734;
    public static int M735() => 735;
    public static int M736() => 736;
    public static int M737() => 737;
    public static int M738() => 738;
    public static int M739() => 739;
    public static int M740() => 740;
    public static int M741() => 741;
    public static int M742() => 742;
    public static int M743() => 743;
    public static int M744() => 744;
    public static int M745() => 745;
    public static int M746() => 746;
    public static int M747() => 747;
    public static int M748() => 748;
    public static int M749() => 749;
    public static int M750() => 750;
    public static int M751() => 751;
    public static int M752() => 752;
    public static int M753() => 753;
    public static int M754() => 754;
    public static int M755() => 755;
    public static int M756() => 756;
    public static int M757() => 757;
    public static int M758() => 758;
    public static int M759() => 759;
    public static int M760() => 760;
    public static int M761() => 761;
    public static int M762() => 762;
    public static int M763() => 763;
    public static int M764() => 764;
    public static int M765() => 765;
    public static int M766() => 766;
    public static int M767() => 767;
    public static int M768() => 768;
    public static int M769() => 769;
    public static int M770() => 770;
    public static int M771() => 771;
    public static int M772() => 772;
    public static int M773() => 773;
    public static int M774() => 774;
    public static int M775() => 775;
    public static int M776() => 776;
    public static int M777() => 777;
    public static int M778() => 778;
    public static int M779() => 779;
    public static int M780() => 780;
    public static int M781() => 781;
    public static int M782() => 782;
    public static int M783() => 783;
    public static int M784() => 784;
    public static int M785() => 785;
    public static int M786() => 786;
    public static int M787() => 787;
    public static int M788() => 788;
    public static int M789() => 789;
    public static int M790() => 790;
    public static int M791() => 791;
    public static int M792() => 792;
    public static int M793() => 793;
    public static int M794() => 794;
    public static int M795() => 795;
    public static int M796() => 796;
    public static int M797() => 797;
    public static int M798() => 798;
    public static int M799() => 799;
    public static int M800() => 800;
    public static int M801() => 801;
    public static int M802() => 802;
    public static int M803() => 803;
    public static int M804() => 804;
    public static int M805() => 805;
    public static int M806() => 806;
    public static int M807() => 807;
    public static int M808() => 808;
    public static int M809() => 809;
    public static int M810() => 810;
    public static int M811() => 811;
    public static int M812() => 812;
    public static int M813() => 813;
    public static int M814() => 814;
    public static int M815() => 815;
    public static int M816() => 816;
    public static int M817() => 817;
    public static int M818() => 818;
    public static int M819() => 819;
    public static int M820() => 820;
    public static int M821() => 821;
    public static int M822() => 822;
    public static int M823() => 823;
    public static int M824() => 824;
    public static int M825() => 825;
    public static int M826() => 826;
    public static int M827() => 827;
    public static int M828() => 828;
    public static int M829() => 829;
    public static int M830() => 830;
    public static int M831() => 831;
    public static int M832() => 832;
    public static int M833() => 833;
    public static int M834() => 834;
    public static int M835() => 835;
    public static int M836() => 836;
    public static int M837() => 837;
    public static int M838() => 838;
    public static int M839() => 839;
    public static int M840() => 840;
    public static int M841() => 841;
    public static int M842() => 842;
    public static int M843() => 843;
    public static int M844() => 844;
    public static int M845() => 845;
    public static int M846() => 846;
    public static int M847() => 847;
    public static int M848() => 848;
    public static int M849() => 849;
    public static int M850() => 850;
    public static int M851() => 851;
    public static int M852() => 852;
    public static int M853() => 853;
    public static int M854() => 854;
    public static int M855() => 855;
    public static int M856() => 856;
    public static int M857() => 857;
    public static int M858() => 858;
    public static int M859() => 859;
    public static int M860() => 860;
    public static int M861() => 861;
    public static int M862() => 862;
    public static int M863() => 863;
    public static int M864() => 864;
    public static int M865() => 865;
    public static int M866() => 866;
    public static int M867() => 867;
    public static int M868() => 868;
    public static int M869() => 869;
    public static int M870() => 870;
    public static int M871() => 871;
    public static int M872() => 872;
    public static int M873() => 873;
    public static int M874() => 874;
    public static int M875() => 875;
    public static int M876() => 876;
    public static int M877() => 877;
    public static int M878() => 878;
    public static int M879() => 879;
    public static int M880() => 880;
    public static int M881() => 881;
    public static int M882() => 882;
    public static int M883() => 883;
    public static int M884() => 884;
    public static int M885() => 885;
    public static int M886() => 886;
    public static int M887() => 887;
    public static int M888() => 888;
    public static int M889() => 889;
    public static int M890() => 890;
    public static int M891() => 891;
    public static int M892() => 892;
    public static int M893() => 893;
    public static int M894() => 894;
    public static int M895() => 895;
    public static int M896() => 896;
    public static int M897() => 897;
    public static int M898() => 898;
    public static int M899() => 899;
    public static int M900() => 900;
    public static int M901() => 901;
    public static int M902() => 902;
    public static int M903() => 903;
    public static int M904() => 904;
    public static int M905() => 905;
    public static int M906() => 906;
    public static int M907() => 907;
    public static int M908() => 908;
    public static int M909() => 909;
    public static int M910() => 910;
    public static int M911() => 911;
    public static int M912() => 912;
    public static int M913() => 913;
    public static int M914() => 914;
    public static int M915() => 915;
    public static int M916() => 916;
    public static int M917() => 917;
    public static int M918() => 918;
    public static int M919() => 919;
    public static int M920() => 920;
    public static int M921() => 921;
    public static int M922() => 922;
    public static int M923() => 923;
    public static int M924() => 924;
    public static int M925() => 925;
    public static int M926() => 926;
    public static int M927() => 927;
    public static int M928() => 928;
    public static int M929() => 929;
    public static int M930() => 930;
    public static int M931() => 931;
    public static int M932() => 932;
    public static int M933() => 933;
    public static int M934() => 934;
    public static int M935() => 935;
    public static int M936() => 936;
    public static int M937() => 937;
    public static int M938() => 938;
    public static int M939() => 939;
    public static int M940() => 940;
    public static int M941() => 941;
    public static int M942() => 942;
    public static int M943() => 943;
    public static int M944() => 944;
    public static int M945() => 945;
    public static int M946() => 946;
    public static int M947() => 947;
    public static int M948() => 948;
    public static int M949() => 949;
    public static int M950() => 950;
    public static int M951() => 951;
    public static int M952() => 952;
    public static int M953() => 953;
    public static int M954() => 954;
    public static int M955() => 955;
    public static int M956() => 956;
    public static int M957() => 957;
    public static int M958() => 958;
    public static int M959() => 959;
    public static int M960() => 960;
    public static int M961() => 961;
    public static int M962() => 962;
    public static int M963() => 963;
    public static int M964() => 964;
    public static int M965() => 965;
    public static int M966() => 966;
    public static int M967() => 967;
    public static int M968() => 968;
    public static int M969() => 969;
    public static int M970() => 970;
    public static int M971() => 971;
    public static int M972() => 972;
    public static int M973() => 973;
    public static int M974() => 974;
    public static int M975() => 975;
    public static int M976() => 976;
    public static int M977() => 977;
    public static int M978() => 978;
    public static int M979() => 979;
    public static int M980() => 980;
    public static int M981() => 981;
    public static int M982() => 982;
    public static int M983() => 983;
    public static int M984() => 984;
    public static int M985() => 985;
    public static int M986() => 986;
    public static int M987() => 987;
    public static int M988() => 988;
    public static int M989() => 989;
    public static int M990() => 990;
    public static int M991() => 991;
    public static int M992() => 992;
    public static int M993() => 993;
    public static int M994() => 994;
    public static int M995() => 995;
    public static int M996() => 996;
    public static int M997() => 997;
    public static int M998() => 998;
    public static int M999() => 999;

    /// <summary>Every M method, by index, as a delegate (creating one does not JIT the method).</summary>
    public static readonly Func<int>[] All =
    {
        M000,
        M001,
        M002,
        M003,
        M004,
        M005,
        M006,
        M007,
        M008,
        M009,
        M010,
        M011,
        M012,
        M013,
        M014,
        M015,
        M016,
        M017,
        M018,
        M019,
        M020,
        M021,
        M022,
        M023,
        M024,
        M025,
        M026,
        M027,
        M028,
        M029,
        M030,
        M031,
        M032,
        M033,
        M034,
        M035,
        M036,
        M037,
        M038,
        M039,
        M040,
        M041,
        M042,
        M043,
        M044,
        M045,
        M046,
        M047,
        M048,
        M049,
        M050,
        M051,
        M052,
        M053,
        M054,
        M055,
        M056,
        M057,
        M058,
        M059,
        M060,
        M061,
        M062,
        M063,
        M064,
        M065,
        M066,
        M067,
        M068,
        M069,
        M070,
        M071,
        M072,
        M073,
        M074,
        M075,
        M076,
        M077,
        M078,
        M079,
        M080,
        M081,
        M082,
        M083,
        M084,
        M085,
        M086,
        M087,
        M088,
        M089,
        M090,
        M091,
        M092,
        M093,
        M094,
        M095,
        M096,
        M097,
        M098,
        M099,
        M100,
        M101,
        M102,
        M103,
        M104,
        M105,
        M106,
        M107,
        M108,
        M109,
        M110,
        M111,
        M112,
        M113,
        M114,
        M115,
        M116,
        M117,
        M118,
        M119,
        M120,
        M121,
        M122,
        M123,
        M124,
        M125,
        M126,
        M127,
        M128,
        M129,
        M130,
        M131,
        M132,
        M133,
        M134,
        M135,
        M136,
        M137,
        M138,
        M139,
        M140,
        M141,
        M142,
        M143,
        M144,
        M145,
        M146,
        M147,
        M148,
        M149,
        M150,
        M151,
        M152,
        M153,
        M154,
        M155,
        M156,
        M157,
        M158,
        M159,
        M160,
        M161,
        M162,
        M163,
        M164,
        M165,
        M166,
        M167,
        M168,
        M169,
        M170,
        M171,
        M172,
        M173,
        M174,
        M175,
        M176,
        M177,
        M178,
        M179,
        M180,
        M181,
        M182,
        M183,
        M184,
        M185,
        M186,
        M187,
        M188,
        M189,
        M190,
        M191,
        M192,
        M193,
        M194,
        M195,
        M196,
        M197,
        M198,
        M199,
        M200,
        M201,
        M202,
        M203,
        M204,
        M205,
        M206,
        M207,
        M208,
        M209,
        M210,
        M211,
        M212,
        M213,
        M214,
        M215,
        M216,
        M217,
        M218,
        M219,
        M220,
        M221,
        M222,
        M223,
        M224,
        M225,
        M226,
        M227,
        M228,
        M229,
        M230,
        M231,
        M232,
        M233,
        M234,
        M235,
        M236,
        M237,
        M238,
        M239,
        M240,
        M241,
        M242,
        M243,
        M244,
        M245,
        M246,
        M247,
        M248,
        M249,
        M250,
        M251,
        M252,
        M253,
        M254,
        M255,
        M256,
        M257,
        M258,
        M259,
        M260,
        M261,
        M262,
        M263,
        M264,
        M265,
        M266,
        M267,
        M268,
        M269,
        M270,
        M271,
        M272,
        M273,
        M274,
        M275,
        M276,
        M277,
        M278,
        M279,
        M280,
        M281,
        M282,
        M283,
        M284,
        M285,
        M286,
        M287,
        M288,
        M289,
        M290,
        M291,
        M292,
        M293,
        M294,
        M295,
        M296,
        M297,
        M298,
        M299,
        M300,
        M301,
        M302,
        M303,
        M304,
        M305,
        M306,
        M307,
        M308,
        M309,
        M310,
        M311,
        M312,
        M313,
        M314,
        M315,
        M316,
        M317,
        M318,
        M319,
        M320,
        M321,
        M322,
        M323,
        M324,
        M325,
        M326,
        M327,
        M328,
        M329,
        M330,
        M331,
        M332,
        M333,
        M334,
        M335,
        M336,
        M337,
        M338,
        M339,
        M340,
        M341,
        M342,
        M343,
        M344,
        M345,
        M346,
        M347,
        M348,
        M349,
        M350,
        M351,
        M352,
        M353,
        M354,
        M355,
        M356,
        M357,
        M358,
        M359,
        M360,
        M361,
        M362,
        M363,
        M364,
        M365,
        M366,
        M367,
        M368,
        M369,
        M370,
        M371,
        M372,
        M373,
        M374,
        M375,
        M376,
        M377,
        M378,
        M379,
        M380,
        M381,
        M382,
        M383,
        M384,
        M385,
        M386,
        M387,
        M388,
        M389,
        M390,
        M391,
        M392,
        M393,
        M394,
        M395,
        M396,
        M397,
        M398,
        M399,
        M400,
        M401,
        M402,
        M403,
        M404,
        M405,
        M406,
        M407,
        M408,
        M409,
        M410,
        M411,
        M412,
        M413,
        M414,
        M415,
        M416,
        M417,
        M418,
        M419,
        M420,
        M421,
        M422,
        M423,
        M424,
        M425,
        M426,
        M427,
        M428,
        M429,
        M430,
        M431,
        M432,
        M433,
        M434,
        M435,
        M436,
        M437,
        M438,
        M439,
        M440,
        M441,
        M442,
        M443,
        M444,
        M445,
        M446,
        M447,
        M448,
        M449,
        M450,
        M451,
        M452,
        M453,
        M454,
        M455,
        M456,
        M457,
        M458,
        M459,
        M460,
        M461,
        M462,
        M463,
        M464,
        M465,
        M466,
        M467,
        M468,
        M469,
        M470,
        M471,
        M472,
        M473,
        M474,
        M475,
        M476,
        M477,
        M478,
        M479,
        M480,
        M481,
        M482,
        M483,
        M484,
        M485,
        M486,
        M487,
        M488,
        M489,
        M490,
        M491,
        M492,
        M493,
        M494,
        M495,
        M496,
        M497,
        M498,
        M499,
        M500,
        M501,
        M502,
        M503,
        M504,
        M505,
        M506,
        M507,
        M508,
        M509,
        M510,
        M511,
        M512,
        M513,
        M514,
        M515,
        M516,
        M517,
        M518,
        M519,
        M520,
        M521,
        M522,
        M523,
        M524,
        M525,
        M526,
        M527,
        M528,
        M529,
        M530,
        M531,
        M532,
        M533,
        M534,
        M535,
        M536,
        M537,
        M538,
        M539,
        M540,
        M541,
        M542,
        M543,
        M544,
        M545,
        M546,
        M547,
        M548,
        M549,
        M550,
        M551,
        M552,
        M553,
        M554,
        M555,
        M556,
        M557,
        M558,
        M559,
        M560,
        M561,
        M562,
        M563,
        M564,
        M565,
        M566,
        M567,
        M568,
        M569,
        M570,
        M571,
        M572,
        M573,
        M574,
        M575,
        M576,
        M577,
        M578,
        M579,
        M580,
        M581,
        M582,
        M583,
        M584,
        M585,
        M586,
        M587,
        M588,
        M589,
        M590,
        M591,
        M592,
        M593,
        M594,
        M595,
        M596,
        M597,
        M598,
        M599,
        M600,
        M601,
        M602,
        M603,
        M604,
        M605,
        M606,
        M607,
        M608,
        M609,
        M610,
        M611,
        M612,
        M613,
        M614,
        M615,
        M616,
        M617,
        M618,
        M619,
        M620,
        M621,
        M622,
        M623,
        M624,
        M625,
        M626,
        M627,
        M628,
        M629,
        M630,
        M631,
        M632,
        M633,
        M634,
        M635,
        M636,
        M637,
        M638,
        M639,
        M640,
        M641,
        M642,
        M643,
        M644,
        M645,
        M646,
        M647,
        M648,
        M649,
        M650,
        M651,
        M652,
        M653,
        M654,
        M655,
        M656,
        M657,
        M658,
        M659,
        M660,
        M661,
        M662,
        M663,
        M664,
        M665,
        M666,
        M667,
        M668,
        M669,
        M670,
        M671,
        M672,
        M673,
        M674,
        M675,
        M676,
        M677,
        M678,
        M679,
        M680,
        M681,
        M682,
        M683,
        M684,
        M685,
        M686,
        M687,
        M688,
        M689,
        M690,
        M691,
        M692,
        M693,
        M694,
        M695,
        M696,
        M697,
        M698,
        M699,
        M700,
        M701,
        M702,
        M703,
        M704,
        M705,
        M706,
        M707,
        M708,
        M709,
        M710,
        M711,
        M712,
        M713,
        M714,
        M715,
        M716,
        M717,
        M718,
        M719,
        M720,
        M721,
        M722,
        M723,
        M724,
        M725,
        M726,
        M727,
        M728,
        M729,
        M730,
        M731,
        M732,
        M733,
        M734,
        M735,
        M736,
        M737,
        M738,
        M739,
        M740,
        M741,
        M742,
        M743,
        M744,
        M745,
        M746,
        M747,
        M748,
        M749,
        M750,
        M751,
        M752,
        M753,
        M754,
        M755,
        M756,
        M757,
        M758,
        M759,
        M760,
        M761,
        M762,
        M763,
        M764,
        M765,
        M766,
        M767,
        M768,
        M769,
        M770,
        M771,
        M772,
        M773,
        M774,
        M775,
        M776,
        M777,
        M778,
        M779,
        M780,
        M781,
        M782,
        M783,
        M784,
        M785,
        M786,
        M787,
        M788,
        M789,
        M790,
        M791,
        M792,
        M793,
        M794,
        M795,
        M796,
        M797,
        M798,
        M799,
        M800,
        M801,
        M802,
        M803,
        M804,
        M805,
        M806,
        M807,
        M808,
        M809,
        M810,
        M811,
        M812,
        M813,
        M814,
        M815,
        M816,
        M817,
        M818,
        M819,
        M820,
        M821,
        M822,
        M823,
        M824,
        M825,
        M826,
        M827,
        M828,
        M829,
        M830,
        M831,
        M832,
        M833,
        M834,
        M835,
        M836,
        M837,
        M838,
        M839,
        M840,
        M841,
        M842,
        M843,
        M844,
        M845,
        M846,
        M847,
        M848,
        M849,
        M850,
        M851,
        M852,
        M853,
        M854,
        M855,
        M856,
        M857,
        M858,
        M859,
        M860,
        M861,
        M862,
        M863,
        M864,
        M865,
        M866,
        M867,
        M868,
        M869,
        M870,
        M871,
        M872,
        M873,
        M874,
        M875,
        M876,
        M877,
        M878,
        M879,
        M880,
        M881,
        M882,
        M883,
        M884,
        M885,
        M886,
        M887,
        M888,
        M889,
        M890,
        M891,
        M892,
        M893,
        M894,
        M895,
        M896,
        M897,
        M898,
        M899,
        M900,
        M901,
        M902,
        M903,
        M904,
        M905,
        M906,
        M907,
        M908,
        M909,
        M910,
        M911,
        M912,
        M913,
        M914,
        M915,
        M916,
        M917,
        M918,
        M919,
        M920,
        M921,
        M922,
        M923,
        M924,
        M925,
        M926,
        M927,
        M928,
        M929,
        M930,
        M931,
        M932,
        M933,
        M934,
        M935,
        M936,
        M937,
        M938,
        M939,
        M940,
        M941,
        M942,
        M943,
        M944,
        M945,
        M946,
        M947,
        M948,
        M949,
        M950,
        M951,
        M952,
        M953,
        M954,
        M955,
        M956,
        M957,
        M958,
        M959,
        M960,
        M961,
        M962,
        M963,
        M964,
        M965,
        M966,
        M967,
        M968,
        M969,
        M970,
        M971,
        M972,
        M973,
        M974,
        M975,
        M976,
        M977,
        M978,
        M979,
        M980,
        M981,
        M982,
        M983,
        M984,
        M985,
        M986,
        M987,
        M988,
        M989,
        M990,
        M991,
        M992,
        M993,
        M994,
        M995,
        M996,
        M997,
        M998,
        M999,
    };
}

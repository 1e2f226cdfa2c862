#!/bin/sh
# Makes the media seeds in mp4/ and matroska/: tiny clips (32x24, 0.2 s) in
# every container layout and codec the probe tells apart. ffmpeg's output
# differs a little between versions; the committed files are the corpus, and
# this script says how they were made. Run from this folder.
set -eu
q="-hide_banner -loglevel error -y"
V="-f lavfi -i testsrc2=size=32x24:duration=0.2:rate=10"
A="-f lavfi -i sine=frequency=440:duration=0.2:sample_rate=8000"
AAC="-c:a aac -b:a 8k -ac 1"
X264="-c:v libx264 -preset ultrafast"
subs=$(mktemp --suffix=.srt)
printf '1\n00:00:00,000 --> 00:00:00,150\n안녕\n' > "$subs"
at=2021-09-14T10:00:00Z

ffmpeg $q $V $A $X264 $AAC -movflags +faststart -metadata creation_time=$at mp4/h264-aac-faststart.mp4
ffmpeg $q $V $A $X264 $AAC mp4/h264-aac-moov-last.mp4
ffmpeg $q $V $A $X264 $AAC -movflags frag_keyframe+empty_moov+default_base_moof mp4/fragmented.mp4
# ffmpeg 5 writes the rotation matrix only when remuxing.
ffmpeg $q $V -c:v mpeg4 "$subs.mp4"
ffmpeg $q -i "$subs.mp4" -c copy -metadata:s:v:0 rotate=90 mp4/rotated-mpeg4.mp4
rm -f "$subs.mp4"
ffmpeg $q $V $A -i "$subs" -map 0 -map 1 -map 2 $X264 $AAC -c:s mov_text -metadata:s:s:0 language=kor mp4/subtitled.mp4
ffmpeg $q $V $A -c:v mjpeg -c:a pcm_s16be -f mov mp4/quicktime.mov
ffmpeg $q -f lavfi -i testsrc2=size=128x96:duration=0.2:rate=10 -c:v h263 -f 3gp mp4/mobile.3gp
ffmpeg $q $A -c:a libopus -b:a 6k mp4/audio-opus.mp4
ffmpeg $q $V $A -c:v libx265 -preset ultrafast -x265-params log-level=none $AAC -tag:v hvc1 mp4/hevc.mp4

ffmpeg $q $V $A -c:v libvpx-vp9 -deadline realtime -c:a libopus -b:a 6k matroska/vp9-opus.webm
ffmpeg $q $V $A -c:v libvpx -deadline realtime -c:a libvorbis -ac 1 matroska/vp8-vorbis.webm
ffmpeg $q $V $A -i "$subs" -map 0 -map 1 -map 2 $X264 $AAC -c:s srt -metadata:s:s:0 language=kor \
    -metadata creation_time=$at matroska/h264-aac-srt.mkv
ffmpeg $q $V $A $X264 -c:a flac -live 1 -f matroska matroska/live-unknown-size.mkv
ffmpeg $q $V -c:v libaom-av1 -cpu-used 8 matroska/av1.mkv
# What yt-dlp's --embed-metadata --embed-chapters --embed-thumbnail leave in a
# file: iTunes tags (and QuickTime mdta keys), Nero and QuickTime chapters,
# Matroska Tags, Chapters and a cover attachment.
chapters=$(mktemp --suffix=.txt)
cover=$(mktemp --suffix=.jpg)
printf ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=100\ntitle=Horse ride\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=100\nEND=200\ntitle=눈물\n' > "$chapters"
ffmpeg $q -f lavfi -i color=c=blue:s=16x16 -frames:v 1 "$cover"
T="-metadata title=말_타는_장면 -metadata artist=SBS -metadata date=20210914 -metadata description=Behind -metadata comment=https://youtu.be/dQw4w9WgXcQ -metadata purl=https://youtu.be/dQw4w9WgXcQ"
ffmpeg $q $V -i "$cover" -i "$chapters" -map 0 -map 1 -map_chapters 2 -c:v:0 libx264 -preset ultrafast \
    -c:v:1 mjpeg -disposition:v:1 attached_pic $T -metadata episode_sort=3 -metadata show=홍천기 mp4/tagged.mp4
ffmpeg $q $V -i "$chapters" -map 0 -map_chapters 1 $X264 $T -movflags use_metadata_tags mp4/tagged-keys.mov
ffmpeg $q $V -i "$chapters" -map 0 -map_chapters 1 $X264 -attach "$cover" -metadata:s:t mimetype=image/jpeg \
    -metadata:s:t filename=cover.jpg $T -metadata:s:v language=kor matroska/tagged.mkv
ffmpeg $q $V -i "$chapters" -map 0 -map_chapters 1 -c:v libvpx -deadline realtime $T matroska/tagged.webm
rm -f "$subs" "$chapters" "$cover"

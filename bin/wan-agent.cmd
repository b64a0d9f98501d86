@echo off
rem Launcher for the wan-agent jar on Windows, the twin of bin/wan-agent. JAVA_HOME or java on PATH (17+);
rem JAVA_OPTS for JVM flags. The jar: the file WAN_AGENT_JAR names, then the checkout's ..\agent\target\wan-agent.jar,
rem then wan-agent.jar next to this script or one folder up (the Windows zip). All arguments go to the agent; the
rem exit code is the JVM's.
setlocal
set "here=%~dp0"
set "jar="
if defined WAN_AGENT_JAR if exist "%WAN_AGENT_JAR%" if not exist "%WAN_AGENT_JAR%\*" set "jar=%WAN_AGENT_JAR%"
if not defined jar if exist "%here%..\agent\target\wan-agent.jar" set "jar=%here%..\agent\target\wan-agent.jar"
if not defined jar if exist "%here%wan-agent.jar" set "jar=%here%wan-agent.jar"
if not defined jar if exist "%here%..\wan-agent.jar" set "jar=%here%..\wan-agent.jar"
if not defined jar (
  echo wan-agent: cannot find wan-agent.jar ^(build it with: mvn -B -q package -DskipTests^) 1>&2
  exit /b 1
)
set "java=java"
if defined JAVA_HOME set "java=%JAVA_HOME%\bin\java.exe"
rem The flags of bin/wan-agent (README, "Footprint"); no class-data archive here (JAVA_OPTS may add one).
"%java%" -XX:+UseSerialGC -Xms8m -Xmx64m -XX:MaxMetaspaceSize=64m -Xss512k -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=10000 -XX:GuaranteedSafepointInterval=10000 -XX:CompileThresholdScaling=10 -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=60000 %JAVA_OPTS% -jar "%jar%" %*
exit /b %ERRORLEVEL%
